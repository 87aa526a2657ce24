// `npm run check:image`: the Dockerfile's install steps, performed in empty directories (no container
// runtime is needed), then the resulting runtime directory is used as the image would be: --version,
// capabilities, and a sync of the LangSmith simulator. Fails unless the runtime tree holds production
// dependencies only and works without the repository around it.
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readC1z, assertMatchesTruth } from "../support/c1z-content.js";
import { startSimulator } from "../../src/simulator/index.js";

const repo = resolve(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "image-check-"));
const build = join(work, "build");
const app = join(work, "app");
const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) => {
  process.stdout.write(`$ (${cwd.replace(work, "<work>")}) ${cmd} ${args.join(" ")}\n`);
  return execFileSync(cmd, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
};
const step = (name: string) => process.stdout.write(`\n== ${name}\n`);

// --- build stage (Dockerfile: FROM … AS build) ---
step("build stage");
for (const f of ["package.json", "package-lock.json"]) cpSync(join(repo, f), join(build, f));
run("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], build);
run("npm", ["rebuild", "better-sqlite3", "zstd-napi"], build);
for (const f of ["tsconfig.json", "tsconfig.build.json", "bin", "src"]) cpSync(join(repo, f), join(build, f), { recursive: true });
run("npm", ["run", "build"], build);
run("npm", ["prune", "--omit=dev"], build);
for (const d of ["dist/demo", "dist/bench", "dist/simulator"]) rmSync(join(build, d), { recursive: true, force: true });

// --- runtime stage: only package.json, node_modules, dist, bin ---
step("runtime stage");
for (const f of ["package.json", "node_modules", "dist", "bin"]) cpSync(join(build, f), join(app, f), { recursive: true });
const devDeps = Object.keys((JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies);
// A dev dependency may also be a production dependency's own dependency (zstd-napi depends on @types/node):
// only those no production package needs must be gone.
const needed = new Set(run("npm", ["ls", "--omit=dev", "--all", "--parseable"], build).split("\n").map((p) => p.replace(`${build}/node_modules/`, "")));
const present = devDeps.filter((d) => existsSync(join(app, "node_modules", d)) && !needed.has(d));
if (present.length) throw new Error(`dev dependencies in the runtime tree: ${present.join(", ")}`);
for (const tool of ["typescript", "tsx", "@bufbuild/protoc-gen-es"]) if (existsSync(join(app, "node_modules", tool))) throw new Error(`${tool} is in the runtime tree`);
process.stdout.write(`no dev-only dependencies (${devDeps.length} checked; typescript, tsx and protoc-gen-es absent); runtime node_modules: ${run("du", ["-sh", "node_modules"], app).trim()}\n`);

// --- use it, from somewhere else, as the image's ENTRYPOINT would ---
step("run");
const cli = join(app, "bin/baton-langsmith");
const elsewhere = mkdtempSync(join(tmpdir(), "image-run-"));
const env = { PATH: process.env.PATH, HOME: elsewhere, NODE_ENV: "production" };
process.stdout.write(run(process.execPath, [cli, "--version"], elsewhere, env));
const caps = run(process.execPath, [cli, "capabilities"], elsewhere, env);
if (caps !== readFileSync(join(repo, "baton_capabilities.json"), "utf8")) throw new Error("capabilities differ from baton_capabilities.json");
process.stdout.write("capabilities: same as baton_capabilities.json\n");
const sim = await startSimulator({ users: 40, workspaces: 5, seed: 5 });
try {
  const file = join(elsewhere, "sync.c1z");
  // Asynchronously: the simulator answers from this process's event loop.
  await promisify(execFile)(process.execPath, [cli, "--base-url", sim.url, "--file", file, "--log-format", "json"], {
    cwd: elsewhere,
    env: { ...env, BATON_API_KEY: sim.keys.admin, BATON_ORGANIZATION_ID: sim.orgId },
  });
  assertMatchesTruth(await readC1z(file), sim);
  process.stdout.write("sync of the simulator: matches its ground truth\n");
} finally {
  await sim.close();
}
rmSync(work, { recursive: true, force: true });
rmSync(elsewhere, { recursive: true, force: true });
process.stdout.write("\nimage check passed\n");

// `npm run demo`: start the bundled LangSmith simulator, sync it with the real CLI, and show what was found.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";
import { C1zReader } from "../baton/c1z/reader.js";
import { startSimulator } from "../simulator/index.js";
import { whoHasWhat } from "./who-has-what.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const file = resolve(process.cwd(), "demo.c1z");

async function main(): Promise<void> {
  const sim = await startSimulator({ users: 60, workspaces: 6, seed: 7 });
  try {
    process.stdout.write(`LangSmith simulator at ${sim.url} (organization ${sim.orgId})\n\n`);
    const code = await runCli(["--base-url", sim.url, "--file", file, "--log-format", "console"], {
      BATON_API_KEY: sim.keys.admin,
      BATON_ORGANIZATION_ID: sim.orgId,
    });
    if (code !== 0) throw new Error(`baton-langsmith exited with ${code}`);
    const reader = await C1zReader.open(file);
    try {
      process.stdout.write(`\nWho has what (first users of ${file}):\n${whoHasWhat(reader, 8)}\n`);
    } finally {
      reader.close();
    }
    // The readable view of the same file: one self-contained HTML page (mode 0600).
    if ((await runCli(["report", file], {})) !== 0) throw new Error("baton-langsmith report failed");
    process.stdout.write(`Open ${file.replace(/\.c1z$/, ".html")} in a browser for the who-has-what report.\n`);
    process.stdout.write(`\nWrote ${file}. Inspect it with the upstream tool (baton resources -f demo.c1z) or run it again with:\n`);
    process.stdout.write(`  BATON_API_KEY=… ./bin/baton-langsmith --organization-id ${sim.orgId} --base-url <url> -f demo.c1z\n`);
  } finally {
    await sim.close();
  }
}

function runCli(args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [resolve(root, "bin/baton-langsmith"), ...args], { stdio: "inherit", env: { ...process.env, ...env } });
    child.on("error", reject);
    child.on("exit", (code) => resolvePromise(code ?? 1));
  });
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${(err as Error).message}\n`);
  process.exit(1);
});

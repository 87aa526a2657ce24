// Helpers shared by the fault, crash-safety, bad-input, secrets and provisioning-fault tests.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Simulator } from "../../src/simulator/index.js";
import { BIN, type CliResult, cleanEnv, tmpDir } from "./cli.js";
import { repoRoot } from "./openapi-contract.js";

export interface SpawnOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
  /** Run as this uid/gid (tests running as root use it to meet a read-only directory). */
  uid?: number;
  gid?: number;
  /** Launcher to run instead of the checkout's bin/baton-langsmith (see worldReadableCli). */
  bin?: string;
}

/** Spawns the built CLI; `done` resolves when it exits (killed with SIGKILL after timeoutMs). */
export function spawnCli(args: string[], opts: SpawnOptions = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [opts.bin ?? BIN, ...args], {
    cwd: opts.cwd ?? tmpDir(),
    env: cleanEnv(opts.env),
    stdio: ["ignore", "pipe", "pipe"],
    ...(opts.uid !== undefined && { uid: opts.uid, gid: opts.gid ?? opts.uid }),
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 600_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

export function run(args: string[], opts: SpawnOptions = {}): Promise<CliResult> {
  return spawnCli(args, opts).done;
}

/** Environment naming the simulator's org and a key. */
export function simEnv(sim: Simulator, key = sim.keys.admin, extra: Record<string, string> = {}): Record<string, string> {
  return { BATON_API_KEY: key, BATON_ORGANIZATION_ID: sim.orgId, ...extra };
}

/** A loopback port nothing listens on. */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Name → sha256 of every entry of a directory (directories marked "dir"), for before/after comparisons. */
export function dirState(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    out[name] = statSync(p).isDirectory() ? "dir" : sha256(readFileSync(p));
  }
  return out;
}

export function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Requests that could have changed something in LangSmith. */
export function writesOf(sim: Simulator) {
  return sim.requests.filter((r) => r.method !== "GET");
}

/** Everything a test can observe of the simulated org, for "nothing changed remotely". */
export function remoteState(sim: Simulator): string {
  const t = sim.truth();
  return JSON.stringify({ truth: t, members: sim.state.orgMembers(), workspaces: sim.state.workspaces().map((w) => [w.id, sim.state.workspaceMembers(w.id)]) });
}

/** The lines of the one failure message the CLI prints in console format. */
export function failureLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.startsWith("baton-langsmith: "));
}

/** The last JSON line of a json-format run's stderr. */
export function lastJsonLine(stderr: string): Record<string, unknown> {
  const lines = stderr.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

/** Runs `fn` over `items` with at most `limit` at once. */
export async function inParallel<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Small deterministic PRNG (mulberry32) for choosing "random" points reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A copy of the built CLI (launcher, dist/, package.json and the production dependencies) in a fresh
 * world-readable directory under the system temp dir, for a test that runs the CLI as another user: the
 * checkout itself may sit inside a directory only its owner may enter (`mktemp -d` makes such directories).
 * Returns the launcher's path, or why `uid` cannot run it (the caller skips with that reason).
 */
export function worldReadableCli(uid: number): { bin: string; root: string } | { skip: string } {
  const root = mkdtempSync(join(tmpdir(), "baton-langsmith-cli-"));
  const copy = (rel: string) => cpSync(join(repoRoot, rel), join(root, rel), { recursive: true, dereference: true });
  for (const rel of ["bin", "dist", "package.json"]) copy(rel);
  const seen = new Set<string>();
  const addDeps = (pkgFile: string) => {
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      if (seen.has(name) || !existsSync(join(repoRoot, "node_modules", name, "package.json"))) continue;
      seen.add(name);
      copy(join("node_modules", name));
      addDeps(join(repoRoot, "node_modules", name, "package.json"));
    }
  };
  addDeps(join(repoRoot, "package.json"));
  const openUp = (path: string) => {
    const st = statSync(path);
    chmodSync(path, st.isDirectory() ? 0o755 : st.mode | 0o444);
    if (st.isDirectory()) for (const e of readdirSync(path)) openUp(join(path, e));
  };
  openUp(root);
  const bin = join(root, "bin", "baton-langsmith");
  const probe = spawnSync(process.execPath, [bin, "--version"], { uid, gid: uid, cwd: root, encoding: "utf8", timeout: 60_000 });
  if (probe.status !== 0) {
    const why = (probe.error?.message ?? probe.stderr.split("\n").find(Boolean) ?? `exit ${probe.status}`).trim();
    return { skip: `uid ${uid} cannot run node (${process.execPath}) or the CLI copy: ${why}` };
  }
  return { bin, root };
}

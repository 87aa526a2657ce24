// `npm run bench`: sync seeded orgs S, M and L from the simulator with a fixed latency per request, and
// compare requests, wall time and memory with what is possible. Figures only; nothing is asserted.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator, type Simulator } from "../simulator/index.js";
import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_REQUESTS_PER_SECOND } from "../cli/fields.js";

const ORGS = { S: { users: 100, workspaces: 5 }, M: { users: 5000, workspaces: 100 }, L: { users: 50000, workspaces: 1000 } } as const;
const PAGE = 500;
const LIFTED_RPS = 10000;

const args = parseArgs(process.argv.slice(2));
const latencyMs = Number(args.latency ?? 50);
const orgNames = (args.orgs ?? "S,M,L").split(",") as Array<keyof typeof ORGS>;
const sources = (args.sources ?? "platform,workspace").split(",");
const worker = resolve(dirname(fileURLToPath(import.meta.url)), "sync-worker.js");

interface Figures { seconds: number; requests: number; retries: number; bytes: number; grants: number; resources: number; maxRssBytes: number }

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "baton-langsmith-bench-"));
  process.stdout.write(`sync benchmark: ${latencyMs} ms latency per request; defaults ${DEFAULT_REQUESTS_PER_SECOND} req/s, ${DEFAULT_MAX_IN_FLIGHT} in flight; lifted = ${LIFTED_RPS} req/s\n\n`);
  const rows: string[][] = [["org", "source", "setting", "requests", "minimum", "wall s", "bound s", "×bound", "vs seq", "peak RSS", ".c1z", "max req/s seen"]];
  try {
    for (const name of orgNames) {
      const sim = await startSimulator({ ...ORGS[name], seed: 7, latencyMs });
      const truth = sim.truth();
      process.stdout.write(`${name}: ${truth.counts.users} users, ${truth.counts.workspaces} workspaces, ${truth.counts.workspaceMemberships} workspace memberships\n`);
      for (const source of sources) {
        const minimum = minimumRequests(sim, source);
        const runs: Array<[string, number, number]> = [
          ["default", DEFAULT_REQUESTS_PER_SECOND, DEFAULT_MAX_IN_FLIGHT],
          ["lifted", LIFTED_RPS, DEFAULT_MAX_IN_FLIGHT],
          ["sequential", LIFTED_RPS, 1],
        ];
        const results: Record<string, Figures & { maxPerSecond: number }> = {};
        for (const [setting, rps, inFlight] of runs) {
          sim.resetLog();
          const f = await runWorker(sim, join(dir, `${name}-${source}-${setting}.c1z`), rps, inFlight, source);
          results[setting] = { ...f, maxPerSecond: sim.counters().maxPerSecond };
          const bound = Math.max(f.requests / rps, (f.requests * latencyMs) / 1000 / inFlight);
          const vsSeq = setting === "sequential" ? "1.0×" : "";
          rows.push([name, source, setting, String(f.requests), String(minimum), f.seconds.toFixed(2), bound.toFixed(2), (f.seconds / bound).toFixed(2), vsSeq, mb(f.maxRssBytes), mb(f.bytes), String(results[setting]!.maxPerSecond)]);
        }
        const seq = results.sequential!.seconds;
        for (const row of rows.slice(-3, -1)) row[8] = `${(seq / Number(row[5])).toFixed(1)}× faster`;
      }
      await sim.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`\n${table(rows)}\n`);
  process.stdout.write(`\nminimum = requests the strategy cannot do without (roles, workspaces, one page per ${PAGE} rows of each listing, plus the empty page a full last page needs)\n`);
  process.stdout.write(`bound = max(requests ÷ rate ceiling, requests × latency ÷ in-flight limit); vs seq = the sequential run's wall time ÷ this run's\n`);
}

/** The fewest requests a strategy can make: listings stop at the first short page. */
function minimumRequests(sim: Simulator, source: string): number {
  const truth = sim.truth();
  const pages = (rows: number) => Math.floor(rows / PAGE) + 1;
  const catalog = 2 + keyRequests(truth, pages); // roles, workspaces; API keys
  if (source === "platform") return catalog + pages(truth.counts.users);
  const perWorkspace = new Map<string, number>();
  for (const w of truth.workspaces) perWorkspace.set(w.id, 0);
  for (const m of truth.workspaceMemberships) perWorkspace.set(m.workspaceId, (perWorkspace.get(m.workspaceId) ?? 0) + 1);
  let total = catalog + pages(truth.counts.users);
  for (const n of perWorkspace.values()) total += pages(n);
  return total;
}

/**
 * The API-key types: service keys, PATs and service accounts (one listing each), then creator lookups as the
 * connector makes them — filtered by ls_user_id and by email, 100 per request, and the whole member listing
 * only when an id stays unknown (an identity id or a person who left).
 */
function keyRequests(truth: ReturnType<Simulator["truth"]>, pages: (rows: number) => number): number {
  const accounts = new Set(truth.serviceAccounts.map((a) => a.id));
  const members = new Set(truth.users.map((u) => u.lsUserId));
  const uuid = /^[0-9a-f-]{36}$/i;
  const looked = new Set<string>();
  let requests = 3;
  let walked = false;
  for (const refs of [truth.serviceKeys.map((k) => k.createdBy), truth.personalAccessTokens.map((p) => p.ownerLsUserId)]) {
    const fresh = [...new Set(refs.filter((r): r is string => !!r && !accounts.has(r) && !looked.has(r.toLowerCase())))];
    fresh.forEach((r) => looked.add(r.toLowerCase()));
    const ids = fresh.filter((r) => uuid.test(r));
    requests += Math.ceil(ids.length / 100) + Math.ceil(fresh.filter((r) => r.includes("@")).length / 100);
    if (!walked && ids.some((id) => !members.has(id.toLowerCase()))) {
      walked = true;
      requests += pages(truth.counts.users);
    }
  }
  return requests;
}

function runWorker(sim: Simulator, file: string, rps: number, inFlight: number, source: string): Promise<Figures> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [worker, sim.url, sim.orgId, file, String(rps), String(inFlight), source], {
      env: { ...process.env, BATON_API_KEY: sim.keys.admin },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolvePromise(JSON.parse(out.trim().split("\n").pop()!) as Figures) : reject(new Error(`sync worker exited with ${code}`))));
  });
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => (c ?? "").padEnd(widths[i]!)).join("  ")).join("\n");
}

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]!);
    if (m) out[m[1]!] = m[2] ?? argv[++i] ?? "";
  }
  return out;
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});

// The real CLI against the simulator's fault injection: the same .c1z content under faults as without,
// the server's rate limit respected once it has been hit, a persistently failing endpoint or a looping
// listing failing the sync cleanly (message naming what failed, previous file untouched, nothing written).
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ALL_FAULT_KINDS } from "../src/simulator/faults.js";
import { type RequestLogEntry, type Simulator, startSimulator } from "../src/simulator/index.js";
import { assertMatchesTruth, readC1z } from "./support/c1z-content.js";
import { tmpDir } from "./support/cli.js";
import { dirState, failureLines, lastJsonLine, run, simEnv } from "./support/robustness.js";

const WS_MEMBERS = "/api/v1/workspaces/current/members/active";
const PLATFORM_MEMBERS = "/api/v1/platform/orgs/current/members";

function syncArgs(sim: Simulator, file: string, extra: string[] = []): string[] {
  return ["--base-url", sim.url, "--file", file, "--log-format", "json", ...extra];
}

/** Sorted [id, bytes] of every object in a .c1z. */
async function contentOf(file: string): Promise<Array<[string, string]>> {
  return [...(await readC1z(file)).blobs.entries()].sort();
}

const ORG = { users: 620, workspaces: 10, seed: 31 };

describe("sync under faults", { concurrency: true }, () => {
  // 620 members: two pages of every org-wide listing; 10 workspaces: ten per-workspace listings.
  // Each test has its own simulator of the same seed (same ids), so they can run at once.
  let baseline: Array<[string, string]>;
  const dir = tmpDir();
  const sims: Simulator[] = [];
  const simulator = async (extra: Parameters<typeof startSimulator>[0] = {}) => {
    const sim = await startSimulator({ ...ORG, ...extra });
    sims.push(sim);
    return sim;
  };
  before(async () => {
    const sim = await simulator();
    const file = join(dir, "baseline.c1z");
    const res = await run(syncArgs(sim, file), { env: simEnv(sim) });
    assert.equal(res.code, 0, res.stderr);
    assertMatchesTruth(await readC1z(file), sim);
    baseline = await contentOf(file);
  });
  after(async () => Promise.all(sims.map((s) => s.close())));

  // Fixed seeds, chosen so that every run meets faults and together they meet every kind; both membership
  // listings (org-wide: 4 reads, per workspace: 13 reads). Runs go at once, each against its own simulator.
  const faultRuns = [
    [17, "workspace"],
    [11, "workspace"],
    [2, "auto"],
    [27, "auto"],
    [20, "workspace"],
  ] as const;
  it("with 20% of reads failing (429, 500, 502, 503, drops, slow answers) the .c1z holds exactly what a fault-free sync holds", async () => {
    const runs = await Promise.all(
      faultRuns.map(async ([seed, source]) => {
        // A slow answer never comes (the simulator holds it until it closes), so it times out at any machine
        // speed. An ordinary answer that a starved machine delays past the 5 s timeout is only one more retry
        // of a read: the content and the assertions below hold either way, and each slow fault costs 5 s.
        const sim = await simulator({ faults: { rate: 0.2, seed, retryAfterSeconds: 1, slowMs: 3_600_000 } });
        const file = join(dir, `faulted-${seed}.c1z`);
        const res = await run(syncArgs(sim, file, ["--membership-source", source, "--http-timeout-seconds", "5"]), { env: simEnv(sim) });
        sim.setFaults(undefined);
        return { seed, source, file, res, log: [...sim.requests] };
      }),
    );
    const kindsSeen = new Set<string>();
    let faulted = 0;
    for (const { seed, source, file, res, log } of runs) {
      const faults = log.filter((r) => r.fault);
      assert.equal(res.code, 0, `seed ${seed}: ${res.stderr}`);
      assert.ok(faults.length > 0, `seed ${seed}: no fault was injected`);
      for (const f of faults) kindsSeen.add(f.fault!);
      faulted += faults.length;
      const summary = lastJsonLine(res.stderr);
      assert.equal(summary.msg, "sync finished");
      assert.ok((summary.retries as number) >= faults.length, `seed ${seed}: every fault was retried (${summary.retries} retries, ${faults.length} faults)`);
      assert.deepEqual(await contentOf(file), baseline, `seed ${seed} (${source}): same resources, entitlements and grants, byte for byte`);
      // A 429's Retry-After was waited out before the same call was tried again: a lower bound any machine meets.
      for (const limited of faults.filter((f) => f.fault === "429")) assertRetriedAfter(log, limited, 950, `seed ${seed}`);
    }
    assert.deepEqual([...kindsSeen].sort(), [...ALL_FAULT_KINDS].sort(), "every kind of fault was exercised");
    assert.ok(faulted >= 10, `${faulted} faults injected`);
  });

  it("with requests in flight, a burst of 429s slows the client down once; it waits out Retry-After and is never refused again", async () => {
    const limit = 4;
    const batch = 8;
    // The simulator holds the first 8 per-workspace listings until all 8 have arrived (the client runs 8 at
    // once by default), then counts them at one instant, in one window: the 4 requests before them used
    // that window's budget or a fresh window admits 4, so at least 4 of the 8 are refused, and every refusal
    // comes back while the others of the batch are on their way. True by construction, at any speed.
    // Only the core types: the few requests their sync makes before the batch stay within the first window's
    // budget, as the comment above assumes. The API-key and invitation listings would add requests of their own
    // to that window, and some of them could be refused before the batch. (Content under faults is checked by
    // the 20%-faults test.)
    const sim = await simulator({ workspaces: 40, hold: { path: WS_MEMBERS, until: batch }, rateLimit: { requestsPerSecond: limit, retryAfterSeconds: 1 } });
    const file = join(dir, "rate-limited-concurrent.c1z");
    const res = await run(syncArgs(sim, file, ["--membership-source", "workspace", "--sync-resource-types", "workspace,org_role,user,workspace_role"]), { env: simEnv(sim) });
    assert.equal(res.code, 0, res.stderr);
    // Counted as the server counted: arrival order, and the logical window each request was counted in.
    const log = [...sim.requests].sort((a, b) => a.seq - b.seq);
    const trace = log.map((r) => `${r.window}${r.fault ? "!" : ""}`).join(" ");
    const held = log.filter((r) => r.path === WS_MEMBERS).slice(0, batch);
    const refused = held.filter((r) => r.fault === "rate-limit");
    assert.ok(refused.length >= batch - limit, `${refused.length} of the ${batch} held requests refused: ${trace}`);
    const firstAnswer = Math.min(...held.map((r) => r.endSeq));
    assert.ok(held.every((r) => r.seq < firstAnswer), "all of the batch were in flight when the first of them was answered");
    const firstRefused = log.findIndex((r) => r.fault === "rate-limit");
    assert.ok(held.includes(log[firstRefused]!), `nothing before the batch was refused: ${trace}`);
    // Every refused call was tried again a full Retry-After later (a lower bound: the client waits a second
    // after receiving the answer, which the server sent before).
    for (const r of log.filter((e) => e.fault === "rate-limit")) assertRetriedAfter(log, r, 950, "burst");
    // Whether the server refuses anything later is not asserted on the server's windows: a starved machine
    // can hand the simulator requests seconds after the client sent them, bunched into one window. The
    // client's own account below is exact: a refusal of a request started after the slowdown would be a
    // second slowdown.
    const summary = lastJsonLine(res.stderr);
    assert.equal(summary.rateLimited, log.filter((r) => r.fault === "rate-limit").length, "the client saw every refusal");
    // The client's own account: every refusal was of a request started before its slowdown, so one slowdown.
    // Halving once per refused request would show one per 429 (and a crawl).
    assert.equal(summary.slowdowns, 1, `slowdowns after a burst of ${refused.length} 429s`);
  });

  for (const failing of [
    { what: "one workspace's member listing", source: "workspace", path: WS_MEMBERS, workspace: true },
    { what: "the org-wide member listing", source: "auto", path: PLATFORM_MEMBERS, workspace: false },
  ]) {
    it(`when ${failing.what} keeps answering 500: exit 1 naming it, previous --file unchanged, no sync written anywhere`, async () => {
      const sim = await simulator();
      const ws = sim.truth().workspaces[3]!;
      sim.setFailAlways([{ method: "GET", path: failing.path, tenantId: failing.workspace ? ws.id : undefined, status: 500 }]);
      const out = join(tmpDir(), "out");
      const work = join(tmpDir(), "work");
      mkdirSync(out);
      mkdirSync(work);
      const file = join(out, "sync.c1z");
      copyFileSync(join(dir, "baseline.c1z"), file);
      const before = dirState(out);
      // The working database goes to TMPDIR: it must be gone too.
      const res = await run(syncArgs(sim, file, ["--membership-source", failing.source, "--log-format", "console"]), { env: simEnv(sim, sim.keys.admin, { TMPDIR: work }) });
      assert.equal(res.code, 1, res.stderr);
      assert.equal(res.stdout, "");
      const lines = failureLines(res.stderr);
      assert.equal(lines.length, 1, res.stderr);
      assert.match(lines[0]!, new RegExp(`GET ${failing.path.replace(/\//g, "\\/")}\\?`), "names the endpoint");
      assert.match(lines[0]!, /answered 500/);
      assert.match(lines[0]!, /retries ran out/);
      if (failing.workspace) {
        assert.ok(lines[0]!.includes(`(workspace ${ws.id})`), "names the workspace id");
        assert.ok(lines[0]!.includes(`"${ws.displayName}"`), "names the workspace");
      }
      assert.match(lines[0]!, /an existing --file was left as it was/);
      const attempts = sim.requests.filter((r) => r.fault === "fail-always");
      assert.equal(attempts.length, 6, "retried, then gave up");
      assert.deepEqual(dirState(out), before, "the previous .c1z is byte-identical and nothing else is next to it");
      assert.deepEqual(readdirSync(work), [], "no working database left behind");
    });
  }

  for (const source of ["auto", "workspace"]) {
    it(`a listing that repeats its pages fails the sync instead of spinning (${source})`, async () => {
      const sim = await simulator({ users: 1100, workspaces: 2, pagination: { repeatPages: true } });
      const out = tmpDir();
      const file = join(out, "sync.c1z");
      // Only the core types: the API-key syncer's creator lookup walks the org members too, and would loop as
      // well; whichever of two failing listings fails first stops the other, so which one the message named
      // would depend on timing. (A loop in any listing is reported: see the secrets test's PaginationLoopError.)
      const types = ["--sync-resource-types", "workspace,org_role,user,workspace_role"];
      const res = await run(syncArgs(sim, file, ["--membership-source", source, "--log-format", "console", ...types]), { env: simEnv(sim) });
      assert.equal(res.signal, null, "it stopped by itself");
      assert.equal(res.code, 1, res.stderr);
      const lines = failureLines(res.stderr);
      assert.equal(lines.length, 1, res.stderr);
      assert.match(lines[0]!, /repeats rows already seen \(pagination loop\); refusing to continue/);
      assert.match(lines[0]!, source === "auto" ? /platform\/orgs\/current\/members/ : /orgs\/current\/members\/active/);
      // Each member listing notices the loop at once: a first page, the repeat, at most one more already on
      // its way.
      const listings = new Map<string, number>();
      for (const r of sim.requests.filter((q) => q.route?.includes("members") && !q.route.includes("personal-access-tokens") && !q.route.includes("pending"))) {
        const { offset: _offset, ...filters } = r.query;
        const key = `${r.route} ${JSON.stringify(filters)}`;
        listings.set(key, (listings.get(key) ?? 0) + 1);
      }
      for (const [listing, n] of listings) assert.ok(n <= 3, `${n} requests of ${listing}: the loop was noticed at once`);
      assert.deepEqual(readdirSync(out), [], "no file written");
    });
  }
});
function sameCall(a: RequestLogEntry, b: RequestLogEntry): boolean {
  return a.method === b.method && a.path === b.path && JSON.stringify(a.query) === JSON.stringify(b.query) && a.headers["x-tenant-id"] === b.headers["x-tenant-id"];
}

/**
 * The refused call came again at least `minMs` after the refusal was sent (a lower bound that holds on any
 * machine). The same call may also have come from another caller that was already on its way, so this
 * looks for one that waited rather than taking the next one.
 */
function assertRetriedAfter(log: RequestLogEntry[], limited: RequestLogEntry, minMs: number, what: string): void {
  const again = log.filter((r) => r.seq > limited.endSeq && sameCall(r, limited));
  assert.ok(again.length > 0, `${what}: the refused call was tried again`);
  const waited = Math.max(...again.map((r) => r.at - limited.endedAt));
  assert.ok(waited >= minMs, `${what}: tried again at most ${waited} ms after a 429 with Retry-After: 1`);
}

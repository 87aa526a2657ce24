// The real CLI against the simulator's fault injection: the same .c1z content under faults as without,
// the server's rate limit respected once it has been hit, a persistently failing endpoint or a looping
// listing failing the sync cleanly (message naming what failed, previous file untouched, nothing written).
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RequestLimiter } from "../src/langsmith/index.js";
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
        const sim = await simulator({ faults: { rate: 0.2, seed, retryAfterSeconds: 1, slowMs: 1500 } });
        const file = join(dir, `faulted-${seed}.c1z`);
        const res = await run(syncArgs(sim, file, ["--membership-source", source, "--http-timeout-seconds", "1"]), { env: simEnv(sim) });
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
      // A 429's Retry-After was waited out before the same call was tried again.
      for (const limited of faults.filter((f) => f.fault === "429")) {
        const retry = log.find((r) => r !== limited && r.at >= limited.endedAt && sameCall(r, limited));
        assert.ok(retry, `seed ${seed}: the refused call was tried again`);
        assert.ok(retry.at - limited.endedAt >= 1000, `seed ${seed}: retried ${retry.at - limited.endedAt} ms after a 429 with Retry-After: 1`);
      }
    }
    assert.deepEqual([...kindsSeen].sort(), [...ALL_FAULT_KINDS].sort(), "every kind of fault was exercised");
    assert.ok(faulted >= 10, `${faulted} faults injected`);
  });

  it("never exceeds the server's rate limit after the first 429, and completes", async () => {
    // One request in flight makes "after the 429" exact: nothing else was on its way when it came back.
    const sim = await simulator({ workspaces: 16, rateLimit: { requestsPerSecond: 4, retryAfterSeconds: 1 } });
    const file = join(dir, "rate-limited.c1z");
    const res = await run(syncArgs(sim, file, ["--membership-source", "workspace", "--max-in-flight", "1"]), { env: simEnv(sim) });
    assert.equal(res.code, 0, res.stderr);
    assertMatchesTruth(await readC1z(file), sim);
    const log = [...sim.requests].sort((a, b) => a.at - b.at);
    const first = log.findIndex((r) => r.fault === "rate-limit");
    assert.ok(first >= 0, "the server's limit was reached");
    const limited = log[first]!;
    const later = log.slice(first + 1);
    assert.ok(later.length >= 5, `the sync went on after the 429: ${log.map((r) => `${r.at - log[0]!.at}${r.fault ? "!" : ""}`).join(" ")}`);
    assert.ok(later[0]!.at - limited.endedAt >= 1000, `the client waited out Retry-After: 1 (next request after ${later[0]!.at - limited.endedAt} ms)`);
    assert.deepEqual(later.filter((r) => r.fault === "rate-limit").map((r) => r.at - limited.endedAt), [], "no 429 after the first one");
    assert.ok(maxPerWindow(later) <= 4, `at most 4 requests per second after the first 429 (saw ${maxPerWindow(later)})`);
  });

  it("with requests in flight, a burst of 429s slows the client down once: it respects the limit without crawling", async () => {
    const limit = 8;
    // 300 ms per answer keeps several requests in flight, so one 429 comes back with others.
    const sim = await simulator({ workspaces: 40, latencyMs: 300, rateLimit: { requestsPerSecond: limit, retryAfterSeconds: 1 } });
    const file = join(dir, "rate-limited-concurrent.c1z");
    const res = await run(syncArgs(sim, file, ["--membership-source", "workspace"]), { env: simEnv(sim) });
    assert.equal(res.code, 0, res.stderr);
    assertMatchesTruth(await readC1z(file), sim);
    const log = [...sim.requests].sort((a, b) => a.at - b.at);
    const first = log.find((r) => r.fault === "rate-limit");
    assert.ok(first, "the server's limit was reached");
    const inFlight = log.filter((r) => r !== first && r.at < first.endedAt && r.endedAt >= first.endedAt);
    assert.ok(inFlight.length >= 3, `${inFlight.length} other requests were on their way when the first 429 was answered`);
    // Requests started after the client saw the 429 arrive at least Retry-After later; none of them is refused.
    const afterPause = log.filter((r) => r.at >= first.endedAt + 1000);
    assert.ok(afterPause.length >= 10, `${afterPause.length} requests after the pause`);
    assert.deepEqual(afterPause.filter((r) => r.fault === "rate-limit").map((r) => r.route), [], `no 429 once the client has slowed down: ${log.map((r) => `${r.at - log[0]!.at}${r.fault ? "!" : ""}`).join(" ")}`);
    // Halving once leaves about half the limit; halving once per refused request would leave a fraction of one.
    const perSecond = ((afterPause.length - 1) * 1000) / (afterPause.at(-1)!.at - afterPause[0]!.at);
    assert.ok(perSecond >= limit / 4, `after the pause the client sent ${perSecond.toFixed(2)} requests per second against a limit of ${limit}`);
  });

  it("a 429 burst lowers the limiter's rate once, to half of what the server let through", async () => {
    const limiter = new RequestLimiter({ requestsPerSecond: 100, maxInFlight: 16 });
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 10 }, () => limiter.run(async () => undefined)));
    // Three of the ten come back 429. The first halves the rate (a little under) of the nine that may have got through...
    limiter.onRateLimited(0, t0);
    const first = limiter.stats().requestsPerSecond;
    assert.ok(first <= 4.5 && first >= 4, `rate ${first}`);
    // ...the others were on their way before that slowdown: they only show that seven got through, not nine.
    limiter.onRateLimited(0, t0);
    limiter.onRateLimited(0, t0);
    const burst = limiter.stats();
    assert.equal(burst.slowdowns, 1);
    assert.ok(burst.requestsPerSecond <= 3.5 && burst.requestsPerSecond >= 3, `rate ${burst.requestsPerSecond}`);
    // A request started after the slowdown that is still refused is a new burst: the rate is halved again.
    await new Promise((r) => setTimeout(r, 5));
    limiter.onRateLimited(0, Date.now());
    assert.equal(limiter.stats().slowdowns, 2);
    assert.ok(limiter.stats().requestsPerSecond <= burst.requestsPerSecond / 2);
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
      const res = await run(syncArgs(sim, file, ["--membership-source", source, "--log-format", "console"]), { env: simEnv(sim), timeoutMs: 30_000 });
      assert.equal(res.signal, null, "it stopped by itself");
      assert.equal(res.code, 1, res.stderr);
      const lines = failureLines(res.stderr);
      assert.equal(lines.length, 1, res.stderr);
      assert.match(lines[0]!, /repeats rows already seen \(pagination loop\); refusing to continue/);
      assert.match(lines[0]!, source === "auto" ? /platform\/orgs\/current\/members/ : /orgs\/current\/members\/active/);
      // Each member listing (the one under test, and the API-key creator lookup, which walks the org members
      // too) notices the loop at once: a first page, the repeat, at most one more already on its way.
      const listings = new Map<string, number>();
      for (const r of sim.requests.filter((q) => q.route?.includes("members") && !q.route.includes("personal-access-tokens"))) {
        const { offset: _offset, ...filters } = r.query;
        const key = `${r.route} ${JSON.stringify(filters)}`;
        listings.set(key, (listings.get(key) ?? 0) + 1);
      }
      // The unfiltered org member listing may have two walkers (users, per-workspace source; key creators).
      const walkers = (listing: string) => (listing === 'GET /api/v1/orgs/current/members/active {"limit":["500"]}' && source === "workspace" ? 2 : 1);
      for (const [listing, n] of listings) assert.ok(n <= 3 * walkers(listing), `${n} requests of ${listing}: the loop was noticed at once`);
      assert.deepEqual(readdirSync(out), [], "no file written");
    });
  }
});
function sameCall(a: RequestLogEntry, b: RequestLogEntry): boolean {
  return a.method === b.method && a.path === b.path && JSON.stringify(a.query) === JSON.stringify(b.query) && a.headers["x-tenant-id"] === b.headers["x-tenant-id"];
}

/** Most requests arriving within one of the server's fixed one-second windows. */
function maxPerWindow(log: RequestLogEntry[]): number {
  const perWindow = new Map<number, number>();
  for (const r of log) perWindow.set(Math.floor(r.at / 1000), (perWindow.get(Math.floor(r.at / 1000)) ?? 0) + 1);
  return Math.max(0, ...perWindow.values());
}

import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { after, before, describe, it } from "node:test";
import { startSimulator, type Simulator } from "../src/simulator/index.js";
import { call } from "./support/sim-http.js";

describe("simulator: fault injection", () => {
  let sim: Simulator;
  let ws: string;
  before(async () => {
    sim = await startSimulator({ users: 20, workspaces: 2, seed: 8 });
    ws = sim.truth().workspaces[0]!.id;
  });
  after(() => sim.close());

  it("rate 1.0 with only 503 fails every GET but leaves other methods alone", async () => {
    sim.setFaults({ rate: 1, kinds: ["503"] });
    sim.resetLog();
    try {
      for (const p of ["/api/v1/orgs/current", "/api/v1/workspaces", "/api/v1/orgs/current/members/active", "/api/v1/platform/orgs/current/members"]) {
        const r = await call(sim, p);
        assert.equal(r.status, 503, p);
      }
      const r = await call<{ detail: string }>(sim, "/api/v1/orgs/current");
      assert.deepEqual(r.body, { detail: "Service Unavailable" });
      const member = sim.state.workspaceMembers(ws)[0]!;
      const del = await call(sim, `/api/v1/workspaces/current/members/${member.workspaceIdentityId}`, { method: "DELETE", tenant: ws });
      assert.equal(del.status, 200, "DELETE is not a faulted method by default");
      const faulted = sim.requests.filter((e) => e.fault === "503");
      assert.equal(faulted.length, 5);
      assert.ok(faulted.every((e) => e.method === "GET" && e.status === 503));
      assert.equal(sim.counters().status["503"], 5);
    } finally {
      sim.setFaults(undefined);
    }
    assert.equal((await call(sim, "/api/v1/orgs/current")).status, 200);
  });

  it("injects 429 with a configurable integer Retry-After and no X-RateLimit-* headers", async () => {
    sim.setFaults({ rate: 1, kinds: ["429"], retryAfterSeconds: 3 });
    try {
      const r = await call(sim, "/api/v1/orgs/current/roles");
      assert.equal(r.status, 429);
      assert.equal(r.headers.get("retry-after"), "3");
      assert.ok(![...r.headers.keys()].some((h) => h.startsWith("x-ratelimit")));
      const go = await call(sim, "/api/v1/platform/orgs/current/members");
      assert.equal(go.status, 429);
      assert.ok(go.text.endsWith("\n"));
      assert.equal((go.body as { error: string }).error, "rate_limited");
    } finally {
      sim.setFaults(undefined);
    }
  });

  it("injects 500 JSON and 502 gateway HTML", async () => {
    sim.setFaults({ rate: 1, kinds: ["500"] });
    const a = await call(sim, "/api/v1/orgs/current");
    assert.equal(a.status, 500);
    assert.deepEqual(a.body, { detail: "Internal Server Error" });
    sim.setFaults({ rate: 1, kinds: ["502"] });
    const b = await call(sim, "/api/v1/orgs/current");
    assert.equal(b.status, 502);
    assert.match(b.text, /Bad Gateway/);
    sim.setFaults(undefined);
  });

  it("drops connections and slows responses", async () => {
    sim.setFaults({ rate: 1, kinds: ["drop"] });
    sim.resetLog();
    await assert.rejects(fetch(`${sim.url}/api/v1/orgs/current`, { headers: { "x-api-key": sim.keys.admin } }));
    assert.equal(sim.requests[0]!.fault, "drop");
    assert.equal(sim.requests[0]!.status, 0);

    sim.setFaults({ rate: 1, kinds: ["slow"], slowMs: 300 });
    const t0 = performance.now();
    const r = await call(sim, "/api/v1/orgs/current/roles");
    const elapsed = performance.now() - t0;
    sim.setFaults(undefined);
    assert.equal(r.status, 200, "slow still answers correctly");
    assert.ok(Array.isArray(r.body));
    assert.ok(elapsed >= 290, `elapsed ${elapsed}`);
    assert.equal(sim.requests.at(-1)!.fault, "slow");
  });

  it("draws a reproducible sequence for a given fault seed", async () => {
    const pattern = async (seed: number): Promise<string> => {
      sim.setFaults({ rate: 0.5, seed, kinds: ["500", "503"] });
      const out: string[] = [];
      for (let i = 0; i < 40; i++) out.push(String((await call(sim, "/api/v1/orgs/current/roles")).status));
      sim.setFaults(undefined);
      return out.join(",");
    };
    const a = await pattern(5);
    const b = await pattern(5);
    const c = await pattern(6);
    assert.equal(a, b);
    assert.notEqual(a, c);
    const failures = a.split(",").filter((s) => s !== "200").length;
    assert.ok(failures > 5 && failures < 35, `failures ${failures}/40`);
  });

  it("applies persistent failures to matching requests only", async () => {
    const other = sim.truth().workspaces[1]!.id;
    sim.setFailAlways([
      { path: "/api/v1/workspaces/current/members/active", tenantId: ws, status: 500 },
      { method: "GET", path: /\/roles$/, status: 418, body: { detail: "teapot" } },
    ]);
    try {
      assert.equal((await call(sim, "/api/v1/workspaces/current/members/active", { tenant: ws })).status, 500);
      assert.equal((await call(sim, "/api/v1/workspaces/current/members/active", { tenant: ws })).status, 500, "persistent");
      assert.equal((await call(sim, "/api/v1/workspaces/current/members/active", { tenant: other })).status, 200);
      const tea = await call(sim, "/api/v1/orgs/current/roles");
      assert.equal(tea.status, 418);
      assert.deepEqual(tea.body, { detail: "teapot" });
      assert.equal(sim.requests.at(-1)!.fault, "fail-always");
    } finally {
      sim.setFailAlways([]);
    }
    assert.equal((await call(sim, "/api/v1/workspaces/current/members/active", { tenant: ws })).status, 200);
  });
});

describe("simulator: server-side rate limit", () => {
  it("answers 429 + Retry-After above the limit, in logical windows from the first request, and records it", async () => {
    // The hold lets all 15 through at one instant: they are counted in one window whatever the machine's speed.
    const sim = await startSimulator({ users: 10, workspaces: 1, seed: 9, rateLimit: { requestsPerSecond: 5 }, hold: { until: 15 } });
    try {
      const results = await Promise.all(Array.from({ length: 15 }, () => call(sim, "/api/v1/orgs/current/roles")));
      const limited = results.filter((r) => r.status === 429);
      assert.equal(results.filter((r) => r.status === 200).length, 5);
      assert.equal(limited.length, 10);
      for (const r of limited) {
        const ra = Number(r.headers.get("retry-after"));
        assert.ok(Number.isInteger(ra) && ra >= 1, `Retry-After ${r.headers.get("retry-after")}`);
        assert.ok(![...r.headers.keys()].some((h) => h.startsWith("x-ratelimit")));
      }
      assert.equal(sim.requests.filter((e) => e.fault === "rate-limit").length, 10);
      assert.deepEqual(new Set(sim.requests.map((e) => e.window)), new Set([0]), "all counted in the first window");
      const c = sim.counters();
      assert.equal(c.total, 15);
      assert.equal(c.status["429"], 10);
      assert.equal(c.byRoute["GET /api/v1/orgs/current/roles"], 15);

      sim.setRateLimit(undefined);
      const again = await Promise.all(Array.from({ length: 10 }, () => call(sim, "/api/v1/orgs/current/roles")));
      assert.ok(again.every((r) => r.status === 200));
    } finally {
      await sim.close();
    }
  });

  it("holds answers until N requests have arrived, then answers them together; later requests are not held", async () => {
    const sim = await startSimulator({ users: 10, workspaces: 1, seed: 9, hold: { until: 3, path: "/api/v1/orgs/current/roles" } });
    try {
      let answered = 0;
      const first = [call(sim, "/api/v1/orgs/current/roles"), call(sim, "/api/v1/orgs/current/roles")].map((p) => p.then((r) => (answered++, r)));
      // Another path is not held, and the two held requests stay unanswered meanwhile.
      assert.equal((await call(sim, "/api/v1/orgs/current")).status, 200);
      assert.equal(answered, 0);
      const third = call(sim, "/api/v1/orgs/current/roles");
      assert.deepEqual((await Promise.all([...first, third])).map((r) => r.status), [200, 200, 200]);
      const held = sim.requests.filter((e) => e.path === "/api/v1/orgs/current/roles");
      assert.ok(held.every((e) => e.seq < Math.min(...held.map((h) => h.endSeq))), "all three arrived before any was answered");
      assert.equal((await call(sim, "/api/v1/orgs/current/roles")).status, 200, "the hold opens once");
    } finally {
      await sim.close();
    }
  });
});

describe("simulator: latency", () => {
  it("adds fixed latency to every request", async () => {
    const sim = await startSimulator({ users: 5, seed: 1, latencyMs: 120 });
    try {
      const t0 = performance.now();
      const r = await call(sim, "/api/v1/orgs/current");
      assert.equal(r.status, 200);
      assert.ok(performance.now() - t0 >= 115);
    } finally {
      await sim.close();
    }
  });
});

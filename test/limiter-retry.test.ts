// The request limiter, the retry rules and Retry-After handling on a fake clock: exact times and rates,
// whatever the machine's speed. (End-to-end tests against the simulator check what the server counted.)
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_RETRY_POLICY, LangSmithClient, RequestLimiter, type RequestStart, shouldRetry, type TransportResponse } from "../src/langsmith/index.js";
import { FakeClock } from "./support/fake-clock.js";

/** Starts `n` requests through the limiter at once; each records its start and then takes `workMs` of fake time. */
function burst(limiter: RequestLimiter, clock: FakeClock, n: number, workMs = 0) {
  const starts: RequestStart[] = [];
  const done = Promise.all(
    Array.from({ length: n }, () =>
      limiter.run(async (start) => {
        starts.push(start);
        if (workMs > 0) await clock.sleep(workMs);
      }),
    ),
  );
  return { starts, done };
}

/** Most starts within any closed one-second window. */
function maxPerClosedSecond(times: number[]): number {
  let max = 0;
  for (const t of times) max = Math.max(max, times.filter((u) => u >= t && u <= t + 1000).length);
  return max;
}

describe("request limiter (fake clock)", () => {
  it("spaces starts at 1005/rate ms: at 20 per second the 11th request starts at t = 502.5 ms, and no second holds more than 20", async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ requestsPerSecond: 20, maxInFlight: 100, clock });
    const { starts, done } = burst(limiter, clock, 45);
    await clock.runAll();
    await done;
    assert.deepEqual(starts.map((s) => s.at), Array.from({ length: 45 }, (_, i) => i * 50.25));
    assert.equal(starts[10]!.at, 502.5);
    assert.deepEqual(starts.map((s) => s.seq), Array.from({ length: 45 }, (_, i) => i + 1));
    assert.equal(maxPerClosedSecond(starts.map((s) => s.at)), 20);
  });

  it("caps requests in flight: with 3 slots and 100 ms requests, starts come in threes every 100 ms", async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ requestsPerSecond: Infinity, maxInFlight: 3, clock });
    const { starts, done } = burst(limiter, clock, 12, 100);
    await clock.runAll();
    await done;
    assert.deepEqual(starts.map((s) => s.at), [0, 0, 0, 100, 100, 100, 200, 200, 200, 300, 300, 300]);
  });

  it("a burst of three 429s lowers the rate once, to 0.9 × half of what got through: exactly 3.15 after 10 starts at 100/s", async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ requestsPerSecond: 100, maxInFlight: 16, clock });
    const { starts, done } = burst(limiter, clock, 10);
    await clock.runAll();
    await done;
    await clock.advance(100 - clock.now()); // the answers come back at t = 100 ms
    // The first 429 halves (a little under) the nine that may have got through: 9 / 2 × 0.9.
    limiter.onRateLimited(0, starts[0]);
    assert.equal(limiter.stats().requestsPerSecond, 4.05);
    // The other two were on their way before that slowdown: they only show that seven got through, not nine.
    limiter.onRateLimited(0, starts[1]);
    limiter.onRateLimited(0, starts[2]);
    assert.deepEqual(limiter.stats(), { started: 10, requestsPerSecond: 3.15, maxInFlight: 16, slowdowns: 1 });

    // A request started after the slowdown that is still refused is a new burst: halved again, 3.15 / 2 × 0.9.
    const later = burst(limiter, clock, 1);
    await clock.runAll();
    await later.done;
    assert.equal(later.starts[0]!.seq, 11);
    limiter.onRateLimited(0, later.starts[0]);
    assert.equal(limiter.stats().slowdowns, 2);
    assert.equal(limiter.stats().requestsPerSecond, 1.4175);
  });

  it("after a 429 with Retry-After: 1 s at t = 100 ms nothing starts before t = 1100 ms, then starts follow the lowered rate", async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ requestsPerSecond: 10, maxInFlight: 8, clock });
    const first = burst(limiter, clock, 4);
    await clock.runAll();
    await first.done;
    assert.deepEqual(first.starts.map((s) => s.at), [0, 100.5, 201, 301.5]);
    await clock.advance(400 - clock.now());
    limiter.onRateLimited(1000, first.starts[3]); // 3 got through: 3 / 2 × 0.9 = 1.35 per second
    assert.equal(limiter.stats().requestsPerSecond, 1.35);
    const next = burst(limiter, clock, 3);
    await clock.runAll();
    await next.done;
    const interval = 1005 / 1.35;
    assert.deepEqual(next.starts.map((s) => s.at), [1400, 1400 + interval, 1400 + 2 * interval]);
  });

  it("never goes below half a request per second", async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ requestsPerSecond: 1, maxInFlight: 1, clock });
    for (let i = 0; i < 5; i++) {
      const b = burst(limiter, clock, 1);
      await clock.runAll();
      await b.done;
      limiter.onRateLimited(0, b.starts[0]);
    }
    assert.equal(limiter.stats().requestsPerSecond, 0.5);
  });
});

describe("retry rules", () => {
  const p = { ...DEFAULT_RETRY_POLICY, maxAttempts: 3 };
  const cases: Array<[string, string, Parameters<typeof shouldRetry>[0]["outcome"], boolean]> = [
    ["a read refused with 429", "GET", { status: 429 }, true],
    ["a write refused with 429 (the server did not act on it)", "POST", { status: 429 }, true],
    ["a read answered 500", "GET", { status: 500 }, true],
    ["a read answered 502", "GET", { status: 502 }, true],
    ["a read answered 503", "GET", { status: 503 }, true],
    ["a read answered 504", "GET", { status: 504 }, true],
    ["a read answered 501 (will not change)", "GET", { status: 501 }, false],
    ["a write answered 500 (may have happened)", "DELETE", { status: 500 }, false],
    ["a write answered 503", "PATCH", { status: 503 }, false],
    ["a read with no answer", "GET", { network: "error" }, true],
    ["a read that timed out", "GET", { network: "timeout" }, true],
    ["a write with no answer (may have happened)", "POST", { network: "error" }, false],
    ["a write that timed out", "POST", { network: "timeout" }, false],
    ["400", "GET", { status: 400 }, false],
    ["401", "GET", { status: 401 }, false],
    ["403", "GET", { status: 403 }, false],
    ["404", "GET", { status: 404 }, false],
    ["409", "POST", { status: 409 }, false],
    ["422", "POST", { status: 422 }, false],
  ];
  for (const [what, method, outcome, expected] of cases) {
    it(`${expected ? "retries" : "does not retry"} ${what}`, () => {
      assert.equal(shouldRetry({ method, attempt: 1, outcome }, p), expected);
    });
  }
  it("stops when the tries run out, even for a 429", () => {
    assert.equal(shouldRetry({ method: "GET", attempt: 2, outcome: { status: 429 } }, p), true);
    assert.equal(shouldRetry({ method: "GET", attempt: 3, outcome: { status: 429 } }, p), false);
    assert.equal(shouldRetry({ method: "GET", attempt: 3, outcome: { network: "error" } }, p), false);
  });
});

describe("retries through the client (fake clock, scripted transport)", () => {
  const START = Date.parse("2026-01-01T00:00:00Z");
  const ok: TransportResponse = { status: 200, headers: { "content-type": "application/json" }, body: "[]" };

  /** A client whose transport answers from `script` in turn and records when each request was sent. */
  function scripted(script: TransportResponse[], opts: { requestsPerSecond?: number } = {}) {
    const clock = new FakeClock(START);
    const sent: number[] = [];
    const client = new LangSmithClient({
      apiKey: "lsv2_sk_00000000000000000000000000000000_0000000000",
      organizationId: "00000000-0000-0000-0000-000000000000",
      baseUrl: "http://127.0.0.1:9",
      clock,
      random: () => 0.5,
      ...opts,
      transport: async () => {
        sent.push(clock.now() - START);
        return script.shift() ?? ok;
      },
    });
    return { clock, client, sent };
  }
  const status = (s: number, headers: Record<string, string> = {}): TransportResponse => ({ status: s, headers: { "content-type": "application/json", ...headers }, body: "{}" });

  it("backs off 375, 750, 1500, 3000, 6000 ms (equal jitter at its midpoint) across five 503s, then succeeds", async () => {
    const { clock, client, sent } = scripted([status(503), status(503), status(503), status(503), status(503)]);
    const result = client.listRoles();
    await clock.runAll();
    assert.deepEqual(await result, []);
    assert.deepEqual(sent, [0, 375, 1125, 2625, 5625, 11625]);
    assert.equal(client.stats().retries, 5);
  });

  it("waits exactly Retry-After: 2 after a 429; the limiter holds the other request back and then spaces it at its floor rate", async () => {
    const { clock, client, sent } = scripted([status(429, { "retry-after": "2" })]);
    const first = client.listRoles();
    await clock.advance(10);
    const second = client.listRoles(); // started while the pause is on
    await clock.runAll();
    await Promise.all([first, second]);
    // Nothing got through in the last second, so the rate drops to its floor, half a request per second:
    // the retry starts when the pause ends, the other request 1005 / 0.5 = 2010 ms after it.
    assert.deepEqual(sent, [0, 2000, 4010]);
    assert.equal(client.stats().requestsPerSecond, 0.5);
    assert.equal(client.stats().rateLimited, 1);
  });

  it("reads a Retry-After HTTP date against the client's clock", async () => {
    const { clock, client, sent } = scripted([status(429, { "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" })]);
    const result = client.listRoles();
    await clock.runAll();
    await result;
    assert.deepEqual(sent, [0, 3000]);
  });

  it("does not repeat a write answered 503", async () => {
    const { clock, client, sent } = scripted([status(503)]);
    const result = client.removeWorkspaceMember("11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222").then(
      () => assert.fail("expected a failure"),
      (err: Error) => err,
    );
    await clock.runAll();
    assert.match((await result).message, /503/);
    assert.deepEqual(sent, [0]);
  });
});

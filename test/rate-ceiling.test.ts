// The configured request ceilings hold, as the simulator counts requests (counts and event order, not
// speeds). The exact spacing of starts is checked on a fake clock in limiter-retry.test.ts.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { startSimulator } from "../src/simulator/index.js";
import { runCli, tmpDir } from "./support/cli.js";

const WS_MEMBERS = "/api/v1/workspaces/current/members/active";

describe("request ceilings", () => {
  it("never has more in flight, or starts many more per second, than configured", async () => {
    // The hold answers the first three per-workspace listings only once all three have arrived: the sync
    // does run three at once, by construction rather than by latency.
    const sim = await startSimulator({ users: 300, workspaces: 30, seed: 41, hold: { path: WS_MEMBERS, until: 3 } });
    try {
      const res = await runCli(
        ["--base-url", sim.url, "-f", join(tmpDir(), "s.c1z"), "--log-format", "json", "--membership-source", "workspace", "--requests-per-second", "6", "--max-in-flight", "3"],
        { env: { BATON_API_KEY: sim.keys.admin, BATON_ORGANIZATION_ID: sim.orgId } },
      );
      assert.equal(res.code, 0, res.stderr);
      assert.ok(sim.requests.length >= 30, `only ${sim.requests.length} requests`);
      // In flight at once, in the server's own order of arrivals and answers.
      const events = sim.requests.flatMap((r) => [[r.seq, 1], [r.endSeq, -1]] as const).sort((a, b) => a[0] - b[0]);
      let inFlight = 0;
      let peak = 0;
      for (const [, d] of events) peak = Math.max(peak, (inFlight += d));
      assert.equal(peak, 3, "three in flight at once, never more");
      // Starts are spaced 1005/6 ms apart; a request held up in transit for up to a second can still land in
      // a window with later ones, hence the margin of a second's worth. Without the limiter this sync sends
      // dozens per second (25 measured on a heavily loaded 2-core machine, far more on a quiet one).
      assert.ok(sim.counters().maxPerSecond <= 12, `saw ${sim.counters().maxPerSecond} requests in one second`);
    } finally {
      await sim.close();
    }
  });
});

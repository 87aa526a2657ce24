// The configured request ceiling holds, as the simulator counts requests (a count per window, not a speed).
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { startSimulator } from "../src/simulator/index.js";
import { runCli, tmpDir } from "./support/cli.js";

describe("request ceilings", () => {
  it("never starts more requests per second, or has more in flight, than configured", async () => {
    const sim = await startSimulator({ users: 300, workspaces: 30, seed: 41, latencyMs: 200 }); // slower than the request spacing, so requests overlap
    try {
      const res = await runCli(
        ["--base-url", sim.url, "-f", join(tmpDir(), "s.c1z"), "--log-format", "json", "--membership-source", "workspace", "--requests-per-second", "12", "--max-in-flight", "3"],
        { env: { BATON_API_KEY: sim.keys.admin, BATON_ORGANIZATION_ID: sim.orgId } },
      );
      assert.equal(res.code, 0, res.stderr);
      assert.ok(sim.requests.length >= 30, `only ${sim.requests.length} requests`);
      assert.ok(sim.counters().maxPerSecond <= 12, `saw ${sim.counters().maxPerSecond} requests in one second`);
      // in flight at once: overlaps of [at, endedAt] intervals
      const events = sim.requests.flatMap((r) => [[r.at, 1], [r.endedAt, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      let inFlight = 0;
      let peak = 0;
      for (const [, d] of events) peak = Math.max(peak, (inFlight += d));
      assert.ok(peak <= 3, `${peak} requests in flight`);
      assert.ok(peak >= 2, "the sync does run requests concurrently");
    } finally {
      await sim.close();
    }
  });
});

// The real CLI syncs the simulator; the .c1z it writes is read back and compared with the ground truth.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { assertMatchesTruth, readC1z } from "./support/c1z-content.js";
import { runCli, tmpDir } from "./support/cli.js";

function syncArgs(sim: Simulator, file: string, extra: string[] = []): [string[], Record<string, string>] {
  return [["--base-url", sim.url, "--file", file, "--log-format", "json", ...extra], { BATON_API_KEY: sim.keys.admin, BATON_ORGANIZATION_ID: sim.orgId }];
}

for (const size of [
  { name: "a small org", users: 40, workspaces: 5, seed: 5 },
  { name: "an org of more than 1,200 members (pagination)", users: 1250, workspaces: 4, seed: 6 },
]) {
  describe(`sync of ${size.name}`, () => {
    let sim: Simulator;
    const dir = tmpDir();
    before(async () => {
      sim = await startSimulator(size);
    });
    after(async () => sim?.close());

    it("finds exactly the org's users, workspaces, roles and grants, from either membership listing, byte for byte", async () => {
      const files: Record<string, string> = {};
      for (const source of ["auto", "workspace"]) {
        const file = join(dir, `${source}.c1z`);
        sim.resetLog();
        // The per-workspace run logs at debug level: each phase's end is logged once, in order.
        const [args, env] = syncArgs(sim, file, ["--membership-source", source, ...(source === "workspace" ? ["--log-level", "debug"] : [])]);
        const res = await runCli(args, { env });
        assert.equal(res.code, 0, res.stderr);
        if (source === "workspace") {
          const phases = res.stderr.trim().split("\n").map((l) => JSON.parse(l) as { msg: string; phase?: string }).filter((l) => l.msg === "sync phase finished").map((l) => l.phase);
          assert.deepEqual(phases, ["resources", "entitlements", "grants", "done"]);
        }
        const routes = new Set(sim.requests.map((r) => r.route));
        assert.equal(routes.has("GET /api/v1/workspaces/current/members/active"), source === "workspace", `${source}: per-workspace listings`);
        const finished = JSON.parse(res.stderr.trim().split("\n").pop()!);
        assert.equal(finished.msg, "sync finished");
        files[source] = file;
      }
      const auto = await readC1z(files.auto!);
      const perWorkspace = await readC1z(files.workspace!);
      assertMatchesTruth(auto, sim);
      assertMatchesTruth(perWorkspace, sim);
      assert.deepEqual([...auto.blobs.entries()].sort(), [...perWorkspace.blobs.entries()].sort(), "both listings give identical content");
    });
  });
}

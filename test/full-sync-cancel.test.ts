// runFullSync is cancellable end to end: the signal aborts the requests in flight, the writer discards its
// work and nothing is published. Deterministic: the simulator holds a request and the test aborts when it arrives.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runFullSync } from "../src/connector/full-sync.js";
import { LangSmithClient, silentLogger } from "../src/langsmith/index.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { tmpDir } from "./support/cli.js";

describe("runFullSync cancellation", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ users: 30, workspaces: 3 });
  });
  after(() => sim.close());

  const client = () => new LangSmithClient({ apiKey: sim.keys.admin, organizationId: sim.orgId, baseUrl: sim.url, maxInFlight: 4 });

  it("aborting mid-flight aborts the held request, publishes nothing and leaves nothing behind", async () => {
    const dir = tmpDir();
    const work = tmpDir();
    const file = join(dir, "sync.c1z");
    writeFileSync(file, "previous contents");
    sim.resetLog();
    const held = sim.hold({ method: "GET", path: "/api/v1/workspaces" });
    const controller = new AbortController();
    const sync = runFullSync({ client: client(), file, logger: silentLogger, concurrency: 4, writer: { workDir: work } }, controller.signal);
    const entry = await held.arrived;
    controller.abort(new Error("cancelled by the test"));
    await assert.rejects(sync, /cancelled by the test/);
    await held.closed;
    assert.equal(entry.clientClosed, true, "the held request was aborted by the client, not answered");
    assert.deepEqual(sim.requests.filter((r) => r.endedAt === 0), [], "no request is left running");
    assert.deepEqual(readdirSync(dir), ["sync.c1z"], "no temporary file is left beside the target");
    assert.equal(readFileSync(file, "utf8"), "previous contents", "the previous file is untouched");
    assert.deepEqual(readdirSync(work), [], "the working database is removed");
  });

  it("a signal aborted before the start makes no request and creates nothing", async () => {
    const dir = tmpDir();
    sim.resetLog();
    const controller = new AbortController();
    controller.abort(new Error("cancelled early"));
    await assert.rejects(runFullSync({ client: client(), file: join(dir, "sync.c1z"), logger: silentLogger, concurrency: 4 }, controller.signal), /cancelled early/);
    assert.deepEqual(sim.requests, []);
    assert.deepEqual(readdirSync(dir), []);
  });

  it("without cancellation it publishes the file and returns the summary", async () => {
    const dir = tmpDir();
    const file = join(dir, "sync.c1z");
    const summary = await runFullSync({ client: client(), file, logger: silentLogger, concurrency: 4 }, new AbortController().signal);
    assert.equal(summary.file, file);
    assert.equal(summary.counts.resourcesByType.user, 30);
    assert.ok(summary.requests > 0);
    assert.deepEqual(readdirSync(dir), ["sync.c1z"]);
  });
});

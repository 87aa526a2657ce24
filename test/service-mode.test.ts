// Service mode end to end: the real CLI as a daemon, a fake ConductorOne speaking real gRPC over TLS
// (HTTP/2, a test CA trusted through NODE_EXTRA_CA_CERTS) and the LangSmith simulator. Every wait is
// on an event the fake records, never on elapsed time.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { readdirSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { type Socket, connect, createServer } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Any, anyUnpack } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { compactDecrypt, importJWK } from "jose";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { GrantManagerServiceGrantResponseSchema, GrantManagerServiceRevokeResponseSchema } from "../src/baton/gen/c1/connector/v2/grant_manager_pb.js";
import { CreateAccountResponseSchema, DeleteResourceResponseSchema, RotateCredentialResponseSchema } from "../src/baton/gen/c1/connector/v2/resource_actions_pb.js";
import { Capability, resourceId } from "../src/baton/model.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { assertMatchesTruth, expectedContent, readC1z } from "./support/c1z-content.js";
import { runCli, tmpDir } from "./support/cli.js";
import { type DaemonProcess, serviceHarness, startDaemon } from "./support/daemon.js";
import { FakeConductorOne, type FinishRecord } from "./support/fake-c1.js";
import { call } from "./support/sim-http.js";

const CHUNK = 512 * 1024;

function failureOf(f: FinishRecord | undefined) {
  assert.ok(f, "the task was finished");
  assert.equal(f.request.finalState.case, "error", "the task finished with an error");
  return { code: f.request.status?.code, message: f.request.status?.message ?? "", nonRetryable: (f.request.finalState.value as { nonRetryable: boolean }).nonRetryable };
}

function responseOf(f: FinishRecord): Any {
  assert.equal(f.request.finalState.case, "success");
  const response = f.request.finalState.case === "success" ? f.request.finalState.value.response : undefined;
  assert.ok(response, "the success carries a response");
  return response;
}

function assertNoSecrets(d: DaemonProcess, fake: FakeConductorOne, secrets: string[]): void {
  const out = d.stdout + d.stderr;
  for (const s of [...secrets, ...fake.rpcs.map((r) => r.token).filter(Boolean)]) assert.ok(!out.includes(s), "a secret or access token appeared in the output");
  const secretKeyPart = secrets[0]!.split(":").pop()!;
  assert.ok(!out.includes(secretKeyPart), "the client secret's key appeared in the output");
}

describe("service mode: the scripted happy path", { timeout: 600_000 }, () => {
  let sim: Simulator;
  let fake: FakeConductorOne;
  let daemon: DaemonProcess;
  let creds: { clientId: string; clientSecret: string };
  const temp = tmpDir("service-temp-");
  const work = tmpDir();
  let oneShotFile: string;

  before(async () => {
    sim = await startSimulator({ users: 40, workspaces: 5, seed: 5 });
    fake = await FakeConductorOne.start();
    creds = fake.newCredentials();
    // What the one-shot CLI writes for the same org, before anything changes it.
    oneShotFile = join(work, "one-shot.c1z");
    const res = await runCli(["--base-url", sim.url, "--file", oneShotFile, "--log-format", "json"], { env: { BATON_API_KEY: sim.keys.admin, BATON_ORGANIZATION_ID: sim.orgId } });
    assert.equal(res.code, 0, res.stderr);
  });
  after(async () => {
    if (daemon && daemon.child.exitCode === null) await daemon.stop("SIGKILL");
    await fake?.close();
    await sim?.close();
  });

  it("says hello, syncs, grants, revokes, refuses what it does not support, and stops cleanly on SIGTERM", async () => {
    const helloTask = fake.enqueue({ taskType: { case: "hello", value: {} } });
    const syncTask = fake.enqueue({ taskType: { case: "syncFull", value: {} } });
    daemon = startDaemon(fake, creds, { url: sim.url, apiKey: sim.keys.admin, orgId: sim.orgId }, { args: ["-p", "--c1z-temp-dir", temp] });

    // Start-up: one token, whose assertion the fake verified, before the first RPC; Hello with host facts.
    const startup = await fake.waitFor(() => fake.hellos.find((h) => h.taskId === ""), "startup hello");
    assert.equal(fake.tokenRequests.length, 1);
    assert.ok(fake.tokenRequests[0]!.ok, fake.tokenRequests[0]!.reason);
    assert.ok(fake.tokenRequests[0]!.at <= fake.rpcs[0]!.at);
    assert.equal(startup.hostId, "test-host");
    assert.equal(startup.connectorMetadata?.displayName, "LangSmith");
    assert.ok(startup.connectorMetadata?.capabilities?.connectorCapabilities.includes(Capability.PROVISION));
    assert.ok(startup.osInfo?.os && startup.osInfo.hostname && startup.osInfo.kernelArch, "os_info filled");
    assert.equal(startup.buildInfo?.package, "baton-langsmith");
    assert.match(startup.buildInfo?.langVersion ?? "", /^v\d+/);
    assert.ok(fake.rpcs.every((r) => r.userAgent.startsWith("baton-langsmith-test ")), "user agent names the client");

    // hello task: answered by a Hello carrying its id, never by FinishTask.
    await fake.waitFor(() => fake.hellos.some((h) => h.taskId === helloTask), "hello task answer");

    // sync_full: first heartbeat before the upload, 512 KiB pieces, checksum checked by the fake, success after.
    const syncFinish = await fake.waitFor(() => fake.finishOf(syncTask), "sync finish");
    assert.equal(syncFinish.request.finalState.case, "success");
    const firstBeat = fake.heartbeats.find((h) => h.taskId === syncTask)!;
    const uploadStart = fake.uploadStarts.find((u) => u.taskId === syncTask)!;
    assert.ok(firstBeat.seq < uploadStart.seq, "first heartbeat precedes the upload");
    const [upload, ...more] = fake.uploadsOf(syncTask);
    assert.ok(upload && more.length === 0, "exactly one upload");
    assert.ok(upload.chunkSizes.slice(0, -1).every((n) => n === CHUNK) && upload.chunkSizes.at(-1)! <= CHUNK && upload.chunkSizes.at(-1)! > 0);
    assert.deepEqual([...upload.data.subarray(0, 5)], [0x43, 0x31, 0x5a, 0x46, 0x00], "a v1 .c1z");
    const uploaded = join(work, "uploaded.c1z");
    writeFileSync(uploaded, upload.data);
    const content = await readC1z(uploaded);
    assertMatchesTruth(content, sim);
    assert.deepEqual([...content.blobs.entries()].sort(), [...(await readC1z(oneShotFile)).blobs.entries()].sort(), "byte-identical objects to the one-shot sync");

    // grant: a workspace role for an org member outside the workspace, objects as ConductorOne sends them (from the upload).
    const ws = sim.truth().workspaces[0]!.id;
    const outsider = sim.state.orgMembers().find((m) => !m.disabled && !sim.state.workspaceMembers(ws).some((w) => w.lsUserId === m.lsUserId))!;
    const roleId = sim.state.role("WORKSPACE_USER").id;
    const reader = await C1zReader.open(uploaded);
    const entitlement = reader.getEntitlement(`workspace_role:${ws}:${roleId}:assigned`)!;
    const principal = reader.getResource(resourceId("user", outsider.lsUserId))!;
    reader.close();
    const grantTask = fake.enqueue({ taskType: { case: "grant", value: { entitlement, principal } } });
    const grantFinish = await fake.waitFor(() => fake.finishOf(grantTask), "grant finish");
    assert.equal(grantFinish.request.finalState.case, "success");
    const grantResponse = anyUnpack(responseOf(grantFinish), GrantManagerServiceGrantResponseSchema)!;
    assert.deepEqual(grantResponse.grants.map((g) => g.id), [`workspace_role:${ws}:${roleId}:assigned:user:${outsider.lsUserId}`]);
    assert.equal(sim.state.workspaceMembers(ws).find((m) => m.lsUserId === outsider.lsUserId)?.roleId, roleId, "LangSmith now holds the grant");

    // revoke: the grant just made.
    const revokeTask = fake.enqueue({ taskType: { case: "revoke", value: { grant: grantResponse.grants[0]! } } });
    const revokeFinish = await fake.waitFor(() => fake.finishOf(revokeTask), "revoke finish");
    assert.equal(revokeFinish.request.finalState.case, "success");
    assert.ok(anyUnpack(responseOf(revokeFinish), GrantManagerServiceRevokeResponseSchema));
    assert.equal(sim.state.workspaceMembers(ws).find((m) => m.lsUserId === outsider.lsUserId), undefined, "LangSmith no longer holds it");

    // unsupported: a type this connector does not handle, and a task with no type at all.
    const eventFeed = fake.enqueue({ taskType: { case: "eventFeed", value: {} } });
    const untyped = fake.enqueue({});
    for (const id of [eventFeed, untyped]) {
      const f = failureOf(await fake.waitFor(() => fake.finishOf(id), "unsupported finish"));
      assert.deepEqual(f, { code: Code.Unknown, message: "unsupported task type", nonRetryable: false });
    }

    // none: the daemon keeps polling.
    const polls = fake.getTaskCalls;
    await fake.waitFor(() => fake.getTaskCalls >= polls + 3, "polling on none");

    const exit = await daemon.stop("SIGTERM");
    assert.equal(exit.code, 0, daemon.stderr);
    assert.deepEqual(fake.protocolErrors, []);
    assert.deepEqual(readdirSync(temp), [], "no files left in the temp dir");
    assert.equal(fake.finishes.filter((f) => f.taskId === helloTask).length, 0, "no FinishTask for a hello task");

    // Logs: JSON lines; every task logged with id, type and outcome; no secret anywhere.
    const finished = daemon.logs().filter((l) => l.msg === "task finished");
    for (const [id, type, outcome] of [
      [helloTask, "hello", "succeeded"],
      [syncTask, "sync_full", "succeeded"],
      [grantTask, "grant", "succeeded"],
      [revokeTask, "revoke", "succeeded"],
      [eventFeed, "event_feed", "unsupported"],
      [untyped, "unknown", "unsupported"],
    ]) {
      assert.ok(finished.some((l) => l.taskId === id && l.taskType === type && l.outcome === outcome), `log line for ${type}`);
    }
    assertNoSecrets(daemon, fake, [creds.clientSecret, sim.keys.admin]);
  });
});

describe("service mode: faults", { timeout: 600_000 }, () => {
  const h = serviceHarness({ users: 20, workspaces: 3, seed: 9 });
  const { start } = h;
  it("refuses a malformed client id or secret with exit 2 and one line, before any network traffic", async () => {
    const before = h.fake.tokenRequests.length;
    for (const [env, pattern] of [
      [{ BATON_CLIENT_ID: "no-at-sign" }, /invalid client id/],
      [{ BATON_CLIENT_SECRET: "secret-token:conductorone.com:v2:abc" }, /invalid client secret/],
      [{ BATON_CLIENT_SECRET: "secret-token:conductorone.com:v1:bm90LWEta2V5" }, /invalid client secret/],
      [{ BATON_TASK_CONCURRENCY: "101" }, /--task-concurrency must be/],
    ] as const) {
      const d = start([], env);
      const exit = await d.exited;
      assert.equal(exit.code, 2, d.stderr);
      const lines = d.stderr.trim().split("\n");
      assert.equal(lines.length, 1, d.stderr);
      assert.match(lines[0]!, pattern);
      assert.ok(!d.stderr.includes("bm90LWEta2V5"));
    }
    assert.equal(h.fake.tokenRequests.length, before);
  });

  it("exits 16 when the token endpoint refuses at start-up, with no task RPCs", async () => {
    h.fake.script.tokenFaults.push({ status: 401 });
    const rpcs = h.fake.rpcs.length;
    const d = start();
    const exit = await d.exited;
    assert.equal(exit.code, 16, d.stderr);
    assert.match(d.stderr, /startup Hello failed: Unauthenticated/);
    assert.equal(h.fake.rpcs.length, rpcs);
    assertNoSecrets(d, h.fake, [h.creds.clientSecret, h.sim.keys.admin]);
  });

  it("keeps polling through UNAVAILABLE from GetTask, then runs the task; provisioning without -p fails FAILED_PRECONDITION non-retryable", async () => {
    h.fake.script.getTaskFaults.push(Code.Unavailable, Code.Unavailable);
    const grant = h.fake.enqueue({ taskType: { case: "grant", value: {} } });
    const d = start();
    const f = failureOf(await h.fake.waitFor(() => h.fake.finishOf(grant), "grant finish"));
    assert.equal(f.code, Code.FailedPrecondition);
    assert.equal(f.nonRetryable, true);
    assert.equal(h.fake.script.getTaskFaults.length, 0);
    assert.equal(d.logs().filter((l) => l.msg === "polling ConductorOne for tasks failed").length, 2);
    assert.equal((await d.stop()).code, 0);
  });

  it("abandons a sync whose first heartbeat says cancelled: no sync, no upload, no FinishTask", async () => {
    const temp = tmpDir("service-temp-");
    const sync = h.fake.enqueue({ taskType: { case: "syncFull", value: {} } });
    h.fake.script.heartbeats.set(sync, ["cancel"]);
    const after = h.fake.enqueue({ taskType: { case: "eventFeed", value: {} } });
    const d = start(["--c1z-temp-dir", temp, "--task-concurrency", "1"]);
    await h.fake.waitFor(() => h.fake.finishOf(after), "the next task");
    await h.fake.waitFor(() => d.logs().some((l) => l.taskId === sync && l.outcome === "abandoned") || undefined, "abandoned log");
    assert.equal(h.fake.finishOf(sync), undefined);
    assert.equal(h.fake.uploadsOf(sync).length, 0);
    assert.equal((await d.stop()).code, 0);
    assert.deepEqual(readdirSync(temp), []);
  });

  it("retries an upload that failed once, from the start, and succeeds", async () => {
    const sync = h.fake.enqueue({ taskType: { case: "syncFull", value: {} } });
    h.fake.script.uploadFaults.push({ afterChunks: 1, code: Code.Unavailable });
    const d = start();
    const finish = await h.fake.waitFor(() => h.fake.finishOf(sync), "sync finish");
    assert.equal(finish.request.finalState.case, "success");
    assert.equal(h.fake.uploadStarts.filter((u) => u.taskId === sync).length, 2, "two attempts");
    assert.equal(h.fake.uploadsOf(sync).length, 1, "one completed upload");
    assert.equal((await d.stop()).code, 0);
  });

  it("reports LangSmith failing mid-sync as the task's error, uploads nothing and leaves no file", async () => {
    const failing = await startSimulator({ users: 20, workspaces: 3, seed: 9 });
    try {
      failing.setFailAlways([{ method: "GET", path: /members/, status: 403, body: { detail: "Forbidden" } }]);
      const temp = tmpDir("service-temp-");
      const sync = h.fake.enqueue({ taskType: { case: "syncFull", value: {} } });
      const d = start(["--c1z-temp-dir", temp], {}, failing);
      const f = failureOf(await h.fake.waitFor(() => h.fake.finishOf(sync), "sync finish"));
      assert.equal(f.code, Code.PermissionDenied);
      assert.equal(f.nonRetryable, false);
      assert.equal(h.fake.uploadStarts.filter((u) => u.taskId === sync).length, 0, "no upload");
      assert.equal((await d.stop()).code, 0);
      assert.deepEqual(readdirSync(temp), []);
    } finally {
      await failing.close();
    }
  });

  it("retries a Hello answered UNAVAILABLE; exits 7 when Hello is PERMISSION_DENIED", async () => {
    h.fake.script.helloFaults.push(Code.Unavailable, Code.Unavailable);
    const d = start();
    await h.fake.waitFor(() => d.logs().some((l) => l.msg === "connected to ConductorOne") || undefined, "connected");
    assert.equal(d.logs().filter((l) => l.msg === "hello to ConductorOne failed; retrying").length, 2);
    assert.equal((await d.stop()).code, 0);
    h.fake.script.helloFaults.push(Code.PermissionDenied);
    const denied = start();
    assert.equal((await denied.exited).code, 7, denied.stderr);
    assert.match(denied.stderr, /startup Hello failed: PermissionDenied/);
  });

  for (const how of ["heartbeat cancelled=true mid-sync", "heartbeats failing 9 times in a row", "SIGTERM during a sync"] as const) {
    it(`${how}: the sync stops, nothing is uploaded, FinishTask says CANCELLED (retryable), no file is left`, async () => {
      // Every LangSmith answer takes a minute, so the sync is certainly still running when the cancel comes.
      const slow = await startSimulator({ users: 20, workspaces: 3, seed: 9, latencyMs: 60_000 });
      try {
        const temp = tmpDir("service-temp-");
        const sync = h.fake.enqueue({ taskType: { case: "syncFull", value: {} } });
        const d = start(["--c1z-temp-dir", temp], {}, slow);
        if (how.startsWith("heartbeat")) {
          // The first heartbeat is answered normally (nothing scripted), then the next ones cancel or fail.
          h.fake.script.heartbeats.set(sync, []);
          await h.fake.waitFor(() => h.fake.heartbeats.some((b) => b.taskId === sync), "first heartbeat");
          h.fake.script.heartbeats.set(sync, how.includes("cancelled") ? ["cancel"] : Array<Code>(9).fill(Code.Unavailable));
        } else {
          // Running: LangSmith has received the sync's first request.
          await until(() => slow.requests.length > 0);
          d.child.kill("SIGTERM");
        }
        const f = failureOf(await h.fake.waitFor(() => h.fake.finishOf(sync), "sync finish"));
        assert.equal(f.code, Code.Canceled);
        assert.equal(f.nonRetryable, false);
        assert.equal(h.fake.uploadStarts.filter((u) => u.taskId === sync).length, 0, "no upload");
        if (how.includes("9 times")) assert.equal(h.fake.heartbeats.filter((b) => b.taskId === sync).length, 10, "the first, then nine failures");
        const exit = how.startsWith("heartbeat") ? await d.stop() : await d.exited;
        assert.equal(exit.code, 0, d.stderr);
        assert.deepEqual(readdirSync(temp), []);
      } finally {
        await slow.close();
      }
    });
  }

  it("serves /live, /ready and /health, and the health-check subcommand reports them", async () => {
    const port = await freePort();
    const d = start(["--health-check", "--health-check-port", String(port)]);
    await h.fake.waitFor(() => d.logs().some((l) => l.msg === "health check server listening") || undefined, "health server");
    const env = { BATON_HEALTH_CHECK_PORT: String(port) };
    for (const endpoint of ["live", "ready", "health"]) {
      const r = await runCli(["health-check", "--endpoint", endpoint], { env });
      assert.equal(r.code, 0, `${endpoint}: ${r.stdout}${r.stderr}`);
      assert.equal(JSON.parse(r.stdout).status, { live: "alive", ready: "ready", health: "healthy" }[endpoint]);
    }
    h.sim.setFailAlways([{ path: /.*/, status: 403, body: { detail: "Forbidden" } }]);
    try {
      const r = await runCli(["health-check"], { env });
      assert.equal(r.code, 1);
      assert.equal(JSON.parse(r.stdout).status, "unhealthy");
    } finally {
      h.sim.setFailAlways([]);
    }
    assert.equal((await d.stop()).code, 0);
    const gone = await runCli(["health-check", "--endpoint", "live"], { env });
    assert.equal(gone.code, 1);
  });
});

/** Waits for a condition of the simulator's request log, which emits no events (polled; no time limit of its own). */
async function until(pred: () => boolean): Promise<void> {
  while (!pred()) await new Promise((r) => setTimeout(r, 20));
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe("service mode: sync options, --skip-full-sync, HTTPS_PROXY; the same options one-shot", { timeout: 600_000 }, () => {
  const h = serviceHarness({ users: 20, workspaces: 3, seed: 9 });
  const { start } = h;
  const work = tmpDir();
  const syncRunOf = async (data: Buffer, name: string) => {
    const file = join(work, name);
    writeFileSync(file, data);
    const reader = await C1zReader.open(file);
    try {
      return { run: reader.latestFinishedSync()!, content: await readC1z(file) };
    } finally {
      reader.close();
    }
  };
  it("honours a task's resource types and skip_entitlements_and_grants, through an HTTP CONNECT proxy", async () => {
    const connects: string[] = [];
    const proxy = createHttpServer();
    proxy.on("connect", (req, socket: Socket, head: Buffer) => {
      connects.push(req.url ?? "");
      const [host, port] = (req.url ?? "").split(":");
      const upstream = connect(Number(port), host === "localhost" ? "127.0.0.1" : host!, () => {
        socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on("error", () => socket.destroy());
      socket.on("error", () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    try {
      const typed = h.fake.enqueue({ taskType: { case: "syncFull", value: { syncResourceTypeIds: ["user", "org_role"] } } });
      const resourcesOnly = h.fake.enqueue({ taskType: { case: "syncFull", value: { skipEntitlementsAndGrants: true } } });
      const targeted = h.fake.enqueue({ taskType: { case: "syncFull", value: { targetedSyncResources: [{ id: { resourceType: "user", resource: "x" } }] } } });
      const d = start([], { HTTPS_PROXY: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`, NO_PROXY: "127.0.0.1" });
      for (const id of [typed, resourcesOnly, targeted]) await h.fake.waitFor(() => h.fake.finishOf(id), "finish");
      assert.equal((await d.stop()).code, 0, d.stderr);
      assert.ok(connects.length >= 2 && connects.every((c) => c === `localhost:${h.fake.port}`), `token and gRPC tunnelled: ${connects.join(", ")}`);

      const t = await syncRunOf(h.fake.uploadsOf(typed)[0]!.data, "typed.c1z");
      assert.deepEqual(t.content.resourceTypes, ["org_role", "user"]);
      assert.equal(t.run.syncType, "full");
      const r = await syncRunOf(h.fake.uploadsOf(resourcesOnly)[0]!.data, "resources-only.c1z");
      assert.equal(r.run.syncType, "resources_only");
      assert.equal(r.content.entitlements.size + r.content.grants.size, 0);
      assert.deepEqual(new Set(r.content.resources.keys()), expectedContent(h.sim.truth()).resources);
      const f = failureOf(h.fake.finishOf(targeted));
      assert.equal(f.code, Code.Unimplemented);
      assert.equal(h.fake.uploadsOf(targeted).length, 0);
    } finally {
      proxy.close();
    }
  });

  it("--skip-full-sync answers a sync task with an uploaded empty full sync", async () => {
    const id = h.fake.enqueue({ taskType: { case: "syncFull", value: {} } });
    const d = start(["--skip-full-sync"]);
    assert.equal((await h.fake.waitFor(() => h.fake.finishOf(id), "finish")).request.finalState.case, "success");
    assert.equal((await d.stop()).code, 0);
    const e = await syncRunOf(h.fake.uploadsOf(id)[0]!.data, "empty.c1z");
    assert.equal(e.run.syncType, "full");
    assert.equal(e.content.resources.size + e.content.grants.size, 0);
  });

  it("one-shot: --sync-resource-types and --skip-entitlements-and-grants shape the file; unknown types and --sync-resources are exit 2", async () => {
    const env = { BATON_API_KEY: h.sim.keys.admin, BATON_ORGANIZATION_ID: h.sim.orgId };
    const file = join(work, "one-shot.c1z");
    const ok = await runCli(["--base-url", h.sim.url, "--file", file, "--sync-resource-types", "workspace", "--skip-entitlements-and-grants"], { env });
    assert.equal(ok.code, 0, ok.stderr);
    const reader = await C1zReader.open(file);
    assert.equal(reader.latestFinishedSync()!.syncType, "resources_only");
    reader.close();
    const content = await readC1z(file);
    assert.deepEqual(content.resourceTypes, ["workspace"]);
    assert.equal(content.grants.size, 0);
    for (const args of [["--sync-resource-types", "user,team"], ["--sync-resources", "user:x"], ["--skip-grants"]]) {
      const r = await runCli(["--base-url", h.sim.url, "--file", join(work, "x.c1z"), ...args], { env });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
  });
});

describe("service mode: account creation, deletion and credential rotation", { timeout: 600_000 }, () => {
  const h = serviceHarness({ users: 20, workspaces: 3, seed: 11 });
  const { start } = h;
  // ConductorOne's key for the rotated secret: an EC P-256 JWK (encrypted as a compact JWE).
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const encryptionConfigs = [{ provider: "baton/jwk/v1", config: { case: "jwkPublicKeyConfig" as const, value: { pubKey: Buffer.from(JSON.stringify(ec.publicKey.export({ format: "jwk" }))) } } }];

  async function newServiceKey(description: string): Promise<{ id: string; key: string; ws: string }> {
    const ws = h.sim.truth().workspaces[0]!.id;
    const r = await call<{ id: string; key: string }>(h.sim, "/api/v1/orgs/current/service-keys", {
      method: "POST",
      body: { description, workspaces: [ws], role_id: h.sim.state.role("WORKSPACE_VIEWER").id },
    });
    assert.equal(r.status, 200);
    return { ...r.body, ws };
  }

  it("with -p: creates an account (an invitation), deletes a user and the invitation, rotates a service key to an EC JWK", async () => {
    const daemon = start(["-p"]);

    // create_account: LangSmith invites the person; the response says action is required and names the invitation.
    const email = "grace.hopper@example.com";
    const createTask = h.fake.enqueue({ taskType: { case: "createAccount", value: { accountInfo: { emails: [{ address: email, isPrimary: true }] } } } });
    const createFinish = await h.fake.waitFor(() => h.fake.finishOf(createTask), "create_account finish");
    const created = anyUnpack(responseOf(createFinish), CreateAccountResponseSchema)!;
    assert.equal(created.result.case, "actionRequired");
    const invitation = created.result.value!.resource!.id!;
    assert.equal(invitation.resourceType, "invitation");
    assert.ok(created.result.value!.isCreateAccountResult);
    const annotations = createFinish.request.finalState.case === "success" ? createFinish.request.finalState.value.annotations : [];
    assert.ok(annotations.some((a) => a.typeUrl === "type.googleapis.com/c1.connector.v2.CreateAccountResponse"), "the response also travels as an annotation");
    assert.ok(h.sim.state.pendingInvites().some((i) => i.email === email), "LangSmith holds the invitation");

    // delete_resource: the invitation just made, then an org member.
    const deleteInvite = h.fake.enqueue({ taskType: { case: "deleteResource", value: { resourceId: invitation } } });
    assert.ok(anyUnpack(responseOf(await h.fake.waitFor(() => h.fake.finishOf(deleteInvite), "invitation deletion")), DeleteResourceResponseSchema));
    assert.ok(!h.sim.state.pendingInvites().some((i) => i.email === email), "the invitation is gone");
    const member = h.sim.state.orgMembers().find((m) => !m.disabled && m.orgRoleId === h.sim.state.role("ORGANIZATION_USER").id)!;
    const deleteUser = h.fake.enqueue({ taskType: { case: "deleteResource", value: { resourceId: resourceId("user", member.lsUserId) } } });
    assert.ok(anyUnpack(responseOf(await h.fake.waitFor(() => h.fake.finishOf(deleteUser), "user deletion")), DeleteResourceResponseSchema));
    assert.ok(!h.sim.state.orgMembers().some((m) => m.lsUserId === member.lsUserId), "the member left the organization");

    // rotate_credentials: the secret comes back only encrypted; the old key goes once FinishTask was accepted.
    const old = await newServiceKey("rotate in service mode");
    let oldKeyAtFinish: boolean | undefined;
    h.fake.once("finish", () => (oldKeyAtFinish = h.sim.truth().serviceKeys.some((k) => k.id === old.id)));
    const rotateTask = h.fake.enqueue({ taskType: { case: "rotateCredentials", value: { resourceId: resourceId("service_key", old.id), encryptionConfigs } } });
    const rotateFinish = await h.fake.waitFor(() => h.fake.finishOf(rotateTask), "rotation finish");
    const rotated = anyUnpack(responseOf(rotateFinish), RotateCredentialResponseSchema)!;
    assert.equal(rotated.resourceId?.resource, old.id);
    assert.equal(rotated.encryptedData.length, 1);
    assert.equal(rotated.encryptedData[0]!.provider, "baton/jwk/v1");
    const jwe = Buffer.from(Buffer.from(rotated.encryptedData[0]!.encryptedBytes).toString("utf8"), "base64").toString("utf8");
    const { plaintext } = await compactDecrypt(jwe, await importJWK(ec.privateKey.export({ format: "jwk" }) as never, "ECDH-ES"));
    const secret = new TextDecoder().decode(plaintext);
    assert.match(secret, /^lsv2_sk_/);
    await h.fake.waitFor(() => !h.sim.truth().serviceKeys.some((k) => k.id === old.id), "old key deleted");
    assert.equal((await call(h.sim, "/api/v1/workspaces/current/members/active", { key: secret, tenant: old.ws })).status, 200, "the new key works");
    assert.equal((await call(h.sim, "/api/v1/workspaces/current/members/active", { key: old.key, tenant: old.ws })).status, 401, "the old key does not");
    assert.equal(oldKeyAtFinish, true, "the old key still existed when FinishTask carried the new one");

    // FinishTask refused: the secret did not reach ConductorOne, so the old key is kept (and still works).
    const kept = await newServiceKey("finish refused");
    const lostTask = h.fake.enqueue({ taskType: { case: "rotateCredentials", value: { resourceId: resourceId("service_key", kept.id), encryptionConfigs } } });
    h.fake.script.finishFaults.set(lostTask, Code.Internal);
    await h.fake.waitFor(() => h.fake.finishOf(lostTask), "refused finish");
    await h.fake.waitFor(() => daemon.logs().some((l) => l.taskId === lostTask && l.msg === "task finished"), "task logged");
    assert.ok(h.sim.truth().serviceKeys.some((k) => k.id === kept.id), "old key kept");
    assert.equal((await call(h.sim, "/api/v1/workspaces/current/members/active", { key: kept.key, tenant: kept.ws })).status, 200);
    assert.ok(daemon.logs().some((l) => l.taskId === lostTask && /the old one is kept/.test(String(l.msg))));

    // A rotation without an encryption config is refused before anything changes.
    const keep = await newServiceKey("no encryption config");
    const keysBefore = h.sim.truth().serviceKeys.length;
    const refused = h.fake.enqueue({ taskType: { case: "rotateCredentials", value: { resourceId: resourceId("service_key", keep.id) } } });
    const f = failureOf(await h.fake.waitFor(() => h.fake.finishOf(refused), "refused rotation"));
    assert.equal(f.code, Code.InvalidArgument);
    assert.ok(f.nonRetryable);
    assert.equal(h.sim.truth().serviceKeys.length, keysBefore, "no key created or deleted");

    const exit = await daemon.stop("SIGTERM");
    assert.equal(exit.code, 0, daemon.stderr);
    assert.deepEqual(h.fake.protocolErrors, []);
    const finished = daemon.logs().filter((l) => l.msg === "task finished");
    for (const [id, type] of [
      [createTask, "create_account"],
      [deleteInvite, "delete_resource"],
      [deleteUser, "delete_resource"],
      [rotateTask, "rotate_credentials"],
    ]) {
      assert.ok(finished.some((l) => l.taskId === id && l.taskType === type && l.outcome === "succeeded"), `log line for ${type}`);
    }
    assertNoSecrets(daemon, h.fake, [h.creds.clientSecret, h.sim.keys.admin, secret, secret.slice(8, 40)]);
  });

  it("without -p: every change task fails FAILED_PRECONDITION, non-retryable, and LangSmith is untouched", async () => {
    const daemon = start([]);
    const old = await newServiceKey("not without -p");
    const member = h.sim.state.orgMembers().find((m) => !m.disabled && m.orgRoleId === h.sim.state.role("ORGANIZATION_USER").id)!;
    h.sim.resetLog();
    const tasks = [
      h.fake.enqueue({ taskType: { case: "createAccount", value: { accountInfo: { emails: [{ address: "nobody@example.com", isPrimary: true }] } } } }),
      h.fake.enqueue({ taskType: { case: "deleteResource", value: { resourceId: resourceId("user", member.lsUserId) } } }),
      h.fake.enqueue({ taskType: { case: "rotateCredentials", value: { resourceId: resourceId("service_key", old.id), encryptionConfigs } } }),
    ];
    for (const id of tasks) {
      const f = failureOf(await h.fake.waitFor(() => h.fake.finishOf(id), "refused change"));
      assert.equal(f.code, Code.FailedPrecondition);
      assert.match(f.message, /provisioning is not enabled/);
      assert.ok(f.nonRetryable);
    }
    assert.ok(!h.sim.requests.some((q) => q.method !== "GET"), "nothing changed in LangSmith");
    assert.ok(h.sim.state.orgMembers().some((m) => m.lsUserId === member.lsUserId));
    assert.ok(h.sim.truth().serviceKeys.some((k) => k.id === old.id));
    const exit = await daemon.stop("SIGTERM");
    assert.equal(exit.code, 0, daemon.stderr);
  });
});

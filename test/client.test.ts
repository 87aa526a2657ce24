// The real client against the real simulator over loopback HTTP.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createServer } from "node:net";
import {
  AuthenticationError,
  ConflictError,
  LangSmithClient,
  type LangSmithClientOptions,
  NetworkError,
  NotFoundError,
  PaginationLoopError,
  PermissionError,
  RateLimitedError,
  ServerError,
  TimeoutError,
  UnexpectedResponseError,
  ValidationError,
} from "../src/langsmith/index.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";

const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 };

describe("LangSmith client against the simulator", () => {
  let sim: Simulator;
  const logLines: string[] = [];
  const logger = {
    debug: (m: string, f?: object) => logLines.push(`${m} ${JSON.stringify(f)}`),
    info: (m: string, f?: object) => logLines.push(`${m} ${JSON.stringify(f)}`),
    warn: (m: string, f?: object) => logLines.push(`${m} ${JSON.stringify(f)}`),
    error: (m: string, f?: object) => logLines.push(`${m} ${JSON.stringify(f)}`),
  };
  const client = (o: Partial<LangSmithClientOptions> = {}) =>
    new LangSmithClient({ apiKey: sim.keys.admin, organizationId: sim.orgId, baseUrl: sim.url, retry: FAST_RETRY, logger, ...o });
  const errors: unknown[] = [];
  const expectError = async <T>(p: Promise<unknown>, cls: new (...a: never[]) => T): Promise<T> => {
    const err = await p.then(
      () => assert.fail(`expected ${cls.name}`),
      (e: unknown) => e,
    );
    errors.push(err);
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${(err as Error)?.name}: ${(err as Error)?.message}`);
    return err as T;
  };
  const workspaceId = () => sim.truth().workspaces[0]!.id;

  before(async () => {
    sim = await startSimulator({ users: 1203, workspaces: 3, seed: 11 });
  });
  after(async () => {
    await sim?.close();
  });

  it("walks member listings past 500 rows, each member exactly once, at the largest page size", async () => {
    sim.resetLog();
    const seen: string[] = [];
    for await (const page of client().iterateOrgMembers()) seen.push(...page.map((m) => m.lsUserId));
    assert.equal(seen.length, sim.truth().counts.users);
    assert.equal(new Set(seen).size, seen.length);
    const offsets = sim.requests.map((r) => `${r.query.limit?.[0]}@${r.query.offset?.[0]}`);
    assert.deepEqual(offsets, ["500@0", "500@500", "500@1000"]);
  });

  it("sends X-API-Key and X-Organization-Id on every request and X-Tenant-Id on workspace routes", async () => {
    sim.resetLog();
    const c = client();
    await c.listRoles();
    await c.listWorkspaces();
    await c.listWorkspaceMembersPage(workspaceId(), { limit: 10 });
    await c.listPlatformMembersPage({ limit: 5 });
    assert.equal(sim.requests.length, 4);
    for (const r of sim.requests) {
      assert.equal(r.headers["x-api-key"], "[redacted]", r.path);
      assert.equal(r.headers["x-organization-id"], sim.orgId, r.path);
      assert.equal(r.headers["x-tenant-id"], r.path.includes("/workspaces/current/") ? workspaceId() : undefined, r.path);
    }
    assert.ok(sim.requests.every((r) => r.path.startsWith("/api/v1/")), "every path under /api/v1 (self-hosted needs the prefix)");
  });

  it("maps each LangSmith answer to its error class, without retrying client errors", async () => {
    sim.resetLog();
    const bogus = "lsv2_sk_00000000000000000000000000000000_0000000000";
    await expectError(client({ apiKey: bogus }).listRoles(), AuthenticationError);
    const wrongOrg = await expectError(client({ apiKey: sim.keys.otherOrg }).listRoles(), PermissionError);
    assert.equal(wrongOrg.status, 403);
    const viewer = await expectError(client({ apiKey: sim.keys.viewer }).listWorkspaceMembersPage(workspaceId()), PermissionError);
    assert.match(viewer.message, /workspaces:read/);
    const noTenant = await expectError(client().listWorkspaceMembersPage(""), PermissionError);
    assert.equal(noTenant.missingTenantHeader, true);
    await expectError(client().removeWorkspaceMember(workspaceId(), "00000000-0000-4000-8000-000000000000"), NotFoundError);
    const member = sim.state.workspaceMembers(workspaceId())[0]!;
    const orgIdentity = sim.state.orgMembers().find((m) => m.lsUserId === member.lsUserId)!.orgIdentityId;
    await expectError(client().addWorkspaceMember(workspaceId(), { orgIdentityId: orgIdentity, roleId: member.roleId }), ConflictError);
    const invalid = await expectError(client().listOrgMembersPage({ limit: 501 }), ValidationError);
    assert.match(invalid.message, /limit/);
    // one request each: 400/401/403/404/409/422 are never retried
    assert.equal(sim.requests.length, 7);
    assert.ok(sim.requests.every((r) => r.status >= 400 && r.status < 500));
  });

  it("retries 5xx reads, then gives up with ServerError", async () => {
    sim.setFailAlways([{ method: "GET", path: "/api/v1/orgs/current/roles", status: 503, body: { detail: "maintenance" } }]);
    sim.resetLog();
    try {
      const err = await expectError(client().listRoles(), ServerError);
      assert.equal(err.attempts, FAST_RETRY.maxAttempts);
      assert.equal(sim.requests.length, FAST_RETRY.maxAttempts);
    } finally {
      sim.setFailAlways([]);
    }
  });

  it("does not retry a write that failed with a server error (its outcome is unknown)", async () => {
    sim.setFailAlways([{ method: "DELETE", path: /\/workspaces\/current\/members\//, status: 502 }]);
    sim.resetLog();
    try {
      const m = sim.state.workspaceMembers(workspaceId())[0]!;
      await expectError(client().removeWorkspaceMember(workspaceId(), m.workspaceIdentityId), ServerError);
      assert.equal(sim.requests.length, 1);
    } finally {
      sim.setFailAlways([]);
    }
  });

  it("waits out a 429's Retry-After: 2, then succeeds", async () => {
    // Two calls at once, held until both have arrived and counted together: one is admitted, one refused,
    // whatever the machine's speed. (The exact wait is checked on a fake clock in limiter-retry.test.ts.)
    const limited_ = await startSimulator({ users: 5, workspaces: 1, seed: 11, rateLimit: { requestsPerSecond: 1, retryAfterSeconds: 2 }, hold: { until: 2 } });
    try {
      const c = new LangSmithClient({ apiKey: limited_.keys.admin, organizationId: limited_.orgId, baseUrl: limited_.url, retry: { maxAttempts: 4 }, logger });
      await Promise.all([c.listRoles(), c.listRoles()]);
      const log = [...limited_.requests].sort((a, b) => a.seq - b.seq);
      assert.deepEqual(log.map((r) => r.status).sort(), [200, 200, 429]);
      const limited = log.find((r) => r.status === 429)!;
      const retried = log.find((r) => r.seq > limited.endSeq)!;
      assert.equal(retried.status, 200);
      // A lower bound only: the client waits 2 s after it received the answer, which the server sent before.
      const waited = retried.at - limited.endedAt;
      assert.ok(waited >= 1950, `waited only ${waited} ms`);
      assert.equal(c.stats().rateLimited, 1);
    } finally {
      await limited_.close();
    }
  });

  it("gives up on persistent 429 with RateLimitedError", async () => {
    sim.setFaults({ rate: 1, kinds: ["429"], retryAfterSeconds: 0 });
    try {
      await expectError(client({ retry: { ...FAST_RETRY, maxAttempts: 2 } }).listRoles(), RateLimitedError);
    } finally {
      sim.setFaults(undefined);
    }
  });

  it("times out slow answers, and names unreachable hosts", async () => {
    sim.setFaults({ rate: 1, kinds: ["slow"], slowMs: 3_600_000 }); // never answers: the timeout fires at any speed
    try {
      const err = await expectError(client({ timeoutMs: 200, retry: { ...FAST_RETRY, maxAttempts: 1 } }).listRoles(), TimeoutError);
      assert.match(err.message, /did not answer/);
    } finally {
      sim.setFaults(undefined);
    }
    const port = await closedPort();
    const err = await expectError(client({ baseUrl: `http://127.0.0.1:${port}`, retry: { ...FAST_RETRY, maxAttempts: 2 } }).listRoles(), NetworkError);
    assert.match(err.message, /ECONNREFUSED/);
  });

  it("refuses HTML where JSON is expected (base URL pointing at a web page)", async () => {
    const err = await expectError(client({ baseUrl: `${sim.url}/ui` }).listRoles(), UnexpectedResponseError);
    assert.match(err.message, /HTML/);
  });

  it("names the endpoint and field of a body it does not understand", async () => {
    const c = client({
      transport: async () => ({ status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify([{ id: "x", name: "N", display_name: 5 }]) }),
    });
    const err = await expectError(c.listRoles(), UnexpectedResponseError);
    assert.match(err.message, /0\.display_name/);
    assert.match(err.message, /GET \/api\/v1\/orgs\/current\/roles/);
  });

  it("fails loudly when the server repeats pages instead of advancing", async () => {
    const looping = await startSimulator({ users: 1100, workspaces: 1, seed: 2, pagination: { repeatPages: true } });
    try {
      const c = new LangSmithClient({ apiKey: looping.keys.admin, organizationId: looping.orgId, baseUrl: looping.url });
      await expectError((async () => {
        for await (const _ of c.iterateOrgMembers()) void _;
      })(), PaginationLoopError);
    } finally {
      await looping.close();
    }
  });

  it("keeps the API key out of every error and log line", () => {
    const keys = Object.values(sim.keys).concat("lsv2_sk_00000000000000000000000000000000_0000000000");
    assert.ok(errors.length >= 10);
    assert.ok(logLines.length > 0);
    const text = errors.map((e) => `${(e as Error).message} ${(e as Error).stack} ${JSON.stringify(e)} ${String((e as Error).cause)}`).join("\n") + logLines.join("\n");
    for (const key of keys) {
      assert.ok(!text.includes(key), "a key leaked");
      assert.ok(!text.includes(key.slice(8, 40)), "a key's secret part leaked");
    }
  });
});

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

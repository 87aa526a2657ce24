import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startSimulator, TENANT_REQUIRED_DETAIL, type Simulator } from "../src/simulator/index.js";
import { call } from "./support/sim-http.js";

describe("simulator: authentication and scoping headers", () => {
  let sim: Simulator;
  let ws: string;

  before(async () => {
    sim = await startSimulator({ users: 30, workspaces: 4, seed: 11 });
    ws = sim.truth().workspaces[0]!.id;
  });
  after(() => sim.close());

  it("keys have the lsv2 shape", () => {
    for (const [name, key] of Object.entries(sim.keys)) {
      const kind = name === "pat" ? "pt" : "sk";
      assert.match(key, new RegExp(`^lsv2_${kind}_[0-9a-f]{32}_[0-9a-f]{10}$`), name);
    }
    assert.equal(new Set(Object.values(sim.keys)).size, 5);
  });

  it("rejects missing, unknown and malformed keys with 401 Invalid token", async () => {
    for (const key of [null, "lsv2_sk_" + "0".repeat(32) + "_" + "0".repeat(10), "not-a-key", sim.keys.admin.toUpperCase()]) {
      const r = await call(sim, "/api/v1/orgs/current/roles", { key });
      assert.equal(r.status, 401, String(key));
      assert.deepEqual(r.body, { detail: "Invalid token" });
    }
  });

  it("rejects legacy ls__ keys with the legacy message", async () => {
    const r = await call(sim, "/api/v1/orgs/current/roles", { key: "ls__0123456789abcdef0123456789abcdef" });
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, { detail: "Using legacy API key. Please generate a new API key." });
  });

  it("treats header names case-insensitively", async () => {
    const res = await fetch(`${sim.url}/api/v1/workspaces/current/members/active`, {
      headers: { "X-API-KEY": sim.keys.admin, "x-TENANT-id": ws },
    });
    assert.equal(res.status, 200);
  });

  it("refuses Bearer tokens with 403", async () => {
    const r = await call(sim, "/api/v1/orgs/current", { key: null, headers: { authorization: "Bearer abc.def.ghi" } });
    assert.equal(r.status, 403);
    assert.deepEqual(r.body, { detail: "Forbidden" });
  });

  it("requires X-Tenant-Id for org-scoped service keys on workspace routes (exact FastAPI body)", async () => {
    for (const path of ["/api/v1/workspaces/current/members", "/api/v1/workspaces/current/members/active", "/api/v1/workspaces/current/members/pending"]) {
      const r = await call(sim, path);
      assert.equal(r.status, 403, path);
      assert.deepEqual(r.body, { detail: TENANT_REQUIRED_DETAIL });
    }
    assert.equal(TENANT_REQUIRED_DETAIL, "This API key is org-scoped and requires workspace specification. Please provide 'X-Tenant-ID' header.");
    const ok = await call(sim, "/api/v1/workspaces/current/members/active", { tenant: ws });
    assert.equal(ok.status, 200);
  });

  it("lets PATs and workspace-scoped keys fall back to their default workspace", async () => {
    for (const key of [sim.keys.pat, sim.keys.workspaceScoped]) {
      const r = await call<Array<{ tenant_id: string }>>(sim, "/api/v1/workspaces/current/members/active", { key });
      assert.equal(r.status, 200);
      assert.ok(r.body.length > 0);
      assert.ok(r.body.every((m) => m.tenant_id === ws));
    }
  });

  it("accepts a missing or matching X-Organization-Id and rejects another org or a malformed one", async () => {
    assert.equal((await call(sim, "/api/v1/orgs/current")).status, 200);
    assert.equal((await call(sim, "/api/v1/orgs/current", { org: sim.orgId })).status, 200);
    assert.equal((await call(sim, "/api/v1/orgs/current", { org: sim.orgId.toUpperCase() })).status, 200);
    const other = "00000000-0000-4000-8000-000000000000";
    const wrong = await call(sim, "/api/v1/orgs/current/members/active", { org: other });
    assert.equal(wrong.status, 403);
    assert.deepEqual(wrong.body, { detail: `Forbidden: API key does not belong to organization ${other}` });
    const bad = await call(sim, "/api/v1/orgs/current/members/active", { org: "acme" });
    assert.equal(bad.status, 403);
    assert.deepEqual(bad.body, { detail: "Forbidden: invalid X-Organization-Id header" });
  });

  it("gives another org's key 403 when X-Organization-Id names this org, and its own org otherwise", async () => {
    const r = await call(sim, "/api/v1/orgs/current/members/active", { key: sim.keys.otherOrg, org: sim.orgId });
    assert.equal(r.status, 403);
    const own = await call<{ id: string }>(sim, "/api/v1/orgs/current", { key: sim.keys.otherOrg });
    assert.equal(own.status, 200);
    assert.notEqual(own.body.id, sim.orgId);
    const ws403 = await call(sim, "/api/v1/workspaces/current/members/active", { key: sim.keys.otherOrg, tenant: ws });
    assert.equal(ws403.status, 403);
  });

  it("names the missing permission: viewer key lacks workspaces:read", async () => {
    const r = await call(sim, "/api/v1/workspaces/current/members/active", { key: sim.keys.viewer, tenant: ws });
    assert.equal(r.status, 403);
    assert.deepEqual(r.body, { detail: "Forbidden: missing permission workspaces:read" });
    const add = await call(sim, "/api/v1/workspaces/current/members", { key: sim.keys.viewer, tenant: ws, method: "POST", body: {} });
    assert.deepEqual(add.body, { detail: "Forbidden: missing permission workspaces:manage-members" });
    // but the viewer can read the org
    assert.equal((await call(sim, "/api/v1/orgs/current/members/active", { key: sim.keys.viewer })).status, 200);
    assert.equal((await call(sim, "/api/v1/workspaces", { key: sim.keys.viewer })).status, 200);
  });

  it("gives workspace-scoped keys 403 on /orgs/current/* and outside their workspace", async () => {
    for (const path of ["/api/v1/orgs/current", "/api/v1/orgs/current/members/active", "/api/v1/orgs/current/roles"]) {
      const r = await call(sim, path, { key: sim.keys.workspaceScoped });
      assert.equal(r.status, 403, path);
      assert.deepEqual(r.body, { detail: "Forbidden: missing permission organization:read" });
    }
    const other = sim.truth().workspaces[1]!.id;
    const r = await call(sim, "/api/v1/workspaces/current/members/active", { key: sim.keys.workspaceScoped, tenant: other });
    assert.equal(r.status, 403);
    assert.deepEqual(r.body, { detail: `Forbidden: no access to workspace ${other}` });
  });

  it("answers 403 for unknown/malformed X-Tenant-Id and 404 for a deleted workspace", async () => {
    const unknown = "11111111-1111-4111-8111-111111111111";
    assert.equal((await call(sim, "/api/v1/workspaces/current/members/active", { tenant: unknown })).status, 403);
    assert.equal((await call(sim, "/api/v1/workspaces/current/members/active", { tenant: "production" })).status, 403);
    const deleted = sim.state.workspaces().find((w) => w.isDeleted)!;
    const r = await call(sim, "/api/v1/workspaces/current/members/active", { tenant: deleted.id });
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { detail: "Workspace not found" });
    const personal = sim.state.workspaces().find((w) => w.isPersonal)!;
    assert.equal((await call(sim, "/api/v1/workspaces/current/members/active", { tenant: personal.id })).status, 200);
  });

  it("invalidates a PAT whose owner is disabled", async () => {
    const me = await call(sim, "/api/v1/orgs/current/personal-access-tokens", { key: sim.keys.pat });
    assert.equal(me.status, 200);
    assert.equal((me.body as unknown[]).length, 1);
    const owner = sim.state.orgMembers().find((m) => m.email.endsWith(".0@org11.example"))!;
    sim.state.disableUser(owner.lsUserId);
    try {
      const r = await call(sim, "/api/v1/orgs/current", { key: sim.keys.pat });
      assert.equal(r.status, 401);
    } finally {
      sim.state.disableUser(owner.lsUserId, false);
    }
    assert.equal((await call(sim, "/api/v1/orgs/current", { key: sim.keys.pat })).status, 200);
  });

  it("lists only the caller's PATs; service keys see none", async () => {
    const r = await call<unknown[]>(sim, "/api/v1/orgs/current/personal-access-tokens");
    assert.deepEqual(r.body, []);
    const keys = await call<Array<{ short_key: string; access_scope: string }>>(sim, "/api/v1/orgs/current/service-keys");
    assert.equal(keys.body.length, sim.truth().serviceKeys.length);
    assert.ok(keys.body.length >= 3);
    assert.ok(keys.body.every((k) => k.short_key.startsWith("lsv2_sk_...")));
    assert.ok(!keys.body.some((k) => JSON.stringify(k).includes(sim.keys.admin)), "full key never listed");
  });

  it("redacts the API key in the request log", async () => {
    sim.resetLog();
    await call(sim, "/api/v1/orgs/current", { org: sim.orgId });
    const e = sim.requests.at(-1)!;
    assert.equal(e.headers["x-api-key"], "[redacted]");
    assert.equal(e.headers["x-organization-id"], sim.orgId);
    assert.ok(!JSON.stringify(sim.requests).includes(sim.keys.admin));
    assert.equal(e.status, 200);
    assert.equal(e.route, "GET /api/v1/orgs/current");
    assert.ok(e.endSeq > e.seq, "answered after it arrived");
  });
});

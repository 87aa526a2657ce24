// The simulator's API keys: seeded variety, create/delete (a created key authenticates, a deleted one stops),
// the org-wide PAT listing in its three modes, service accounts, and the "write applied, answer lost" fault.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startSimulator, type Simulator } from "../src/simulator/index.js";
import { call } from "./support/sim-http.js";

describe("simulator: API keys", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ users: 20, workspaces: 4, seed: 41 });
  });
  after(() => sim.close());

  it("seeds service keys of every kind a review cares about, with ground truth", () => {
    const t = sim.truth();
    const keys = t.serviceKeys;
    assert.ok(keys.some((k) => k.accessScope === "organization" && k.orgRoleId === sim.state.role("ORGANIZATION_ADMIN").id));
    assert.ok(keys.some((k) => k.accessScope === "workspace" && k.workspaceIds.length === 2));
    assert.ok(keys.some((k) => k.expiresAt === null), "no expiry");
    assert.ok(keys.some((k) => k.lastUsedAt === null), "never used");
    assert.ok(keys.some((k) => k.serviceAccountId !== null), "a service account's key");
    const members = new Set(t.users.flatMap((u) => [u.lsUserId, u.orgIdentityId, u.email.toLowerCase()]));
    assert.ok(keys.some((k) => k.createdBy && !members.has(k.createdBy.toLowerCase()) && !t.serviceAccounts.some((s) => s.id === k.createdBy)), "a creator who left");
    assert.ok(keys.some((k) => k.createdBy?.includes("@")), "creator as an email");
    assert.ok(t.personalAccessTokens.length >= 2 && new Set(t.personalAccessTokens.map((p) => p.ownerLsUserId)).size >= 2);
    assert.equal(t.serviceAccounts.length, 1);
  });

  it("creates a key that authenticates at once and deletes it so it stops", async () => {
    const ws = sim.truth().workspaces[0]!.id;
    const created = await call<{ id: string; key: string; workspace_names: string[]; access_scope: string; role_id: string }>(sim, "/api/v1/orgs/current/service-keys", {
      method: "POST",
      body: { description: "temp", workspaces: [ws], role_id: sim.state.role("WORKSPACE_VIEWER").id },
    });
    assert.equal(created.status, 200);
    assert.equal(created.body.access_scope, "workspace");
    assert.deepEqual(created.body.workspace_names, [sim.truth().workspaces[0]!.displayName]);
    const asNew = await call(sim, "/api/v1/workspaces/current/members/active", { key: created.body.key, tenant: ws });
    assert.equal(asNew.status, 200);
    const del = await call<{ id: string }>(sim, `/api/v1/orgs/current/service-keys/${created.body.id}`, { method: "DELETE" });
    assert.equal(del.status, 200);
    assert.equal(del.body.id, created.body.id);
    assert.equal((await call(sim, "/api/v1/workspaces/current/members/active", { key: created.body.key, tenant: ws })).status, 401);
    assert.equal((await call(sim, `/api/v1/orgs/current/service-keys/${created.body.id}`, { method: "DELETE" })).status, 404);
  });

  it("refuses org-wide keys to non-admins, org_role_id with workspaces, and deletion to non-admins", async () => {
    const ws = sim.truth().workspaces[0]!.id;
    assert.equal((await call(sim, "/api/v1/orgs/current/service-keys", { method: "POST", key: sim.keys.viewer, body: {} })).status, 403);
    const both = await call(sim, "/api/v1/orgs/current/service-keys", { method: "POST", body: { workspaces: [ws], org_role_id: sim.state.role("ORGANIZATION_USER").id } });
    assert.equal(both.status, 400);
    const id = sim.truth().serviceKeys[0]!.id;
    assert.equal((await call(sim, `/api/v1/orgs/current/service-keys/${id}`, { method: "DELETE", key: sim.keys.viewer })).status, 403);
  });

  it("drop-after-apply: the key exists though the answer never came", async () => {
    const before = sim.truth().serviceKeys.length;
    sim.setFailAlways([{ method: "POST", path: "/api/v1/orgs/current/service-keys", status: 0, dropAfterApply: true, times: 1 }]);
    await assert.rejects(call(sim, "/api/v1/orgs/current/service-keys", { method: "POST", body: { description: "lost" } }));
    assert.equal(sim.truth().serviceKeys.length, before + 1);
    assert.equal(sim.requests.at(-1)!.fault, "drop-after-apply");
    // `times: 1` used up: the next create answers.
    const ok = await call<{ id: string }>(sim, "/api/v1/orgs/current/service-keys", { method: "POST", body: { description: "answered" } });
    assert.equal(ok.status, 200);
  });

  it("org-wide PAT listing: every member's PATs with their owner; organization:pats:read required", async () => {
    const r = await call<Array<{ ls_user_id: string; short_key: string }>>(sim, "/api/v1/orgs/current/members/personal-access-tokens");
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.map((p) => p.ls_user_id).sort(), sim.truth().personalAccessTokens.map((p) => p.ownerLsUserId).sort());
    assert.ok(r.body.every((p) => p.short_key.startsWith("lsv2_pt_...")));
    assert.equal((await call(sim, "/api/v1/orgs/current/members/personal-access-tokens", { key: sim.keys.viewer })).status, 403);
  });

  it("PAT listing and service accounts can be refused or absent", async () => {
    const forbidden = await startSimulator({ users: 5, workspaces: 1, seed: 2, patListing: "forbidden", serviceAccounts: "absent" });
    const absent = await startSimulator({ users: 5, workspaces: 1, seed: 2, patListing: "absent" });
    try {
      assert.equal((await call(forbidden, "/api/v1/orgs/current/members/personal-access-tokens")).status, 403);
      assert.equal((await call(forbidden, "/api/v1/service-accounts")).status, 404);
      assert.equal((await call(absent, "/api/v1/orgs/current/members/personal-access-tokens")).status, 404);
      assert.equal((await call(absent, "/api/v1/service-accounts")).status, 200);
    } finally {
      await forbidden.close();
      await absent.close();
    }
  });
});

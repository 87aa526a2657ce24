import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startSimulator, type Simulator } from "../src/simulator/index.js";
import { call, walk } from "./support/sim-http.js";

interface WsRow {
  id: string;
  display_name: string;
  is_personal: boolean;
  is_deleted: boolean;
  role_id: string | null;
  role_name: string | null;
  permissions: string[] | null;
}

interface MemberRow {
  id: string;
  ls_user_id: string;
  role_id: string;
  role_name: string;
  tenant_id: string;
  access_scope: string;
}

describe("simulator: workspace listing", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ users: 40, workspaces: 5, seed: 21 });
  });
  after(() => sim.close());

  it("lists personal workspaces but hides deleted ones unless include_deleted=true", async () => {
    const all = sim.state.workspaces();
    const normal = await call<WsRow[]>(sim, "/api/v1/workspaces");
    assert.equal(normal.status, 200);
    assert.equal(normal.body.length, all.filter((w) => !w.isDeleted).length);
    assert.ok(normal.body.some((w) => w.is_personal), "personal workspace listed");
    assert.ok(!normal.body.some((w) => w.is_deleted));
    for (const flag of ["true", "1"]) {
      const withDeleted = await call<WsRow[]>(sim, `/api/v1/workspaces?include_deleted=${flag}`);
      assert.equal(withDeleted.body.length, all.length);
      assert.deepEqual(
        withDeleted.body.filter((w) => w.is_deleted).map((w) => w.id),
        all.filter((w) => w.isDeleted).map((w) => w.id),
      );
    }
    const synced = normal.body.filter((w) => !w.is_personal && !w.is_deleted).map((w) => w.id);
    assert.deepEqual(synced, sim.truth().workspaces.map((w) => w.id));
    assert.equal((await call(sim, "/api/v1/workspaces?include_deleted=sometimes")).status, 422);
  });

  it("carries the caller's role on each row", async () => {
    const admin = sim.state.role("WORKSPACE_ADMIN");
    const r = await call<WsRow[]>(sim, "/api/v1/workspaces");
    assert.ok(r.body.every((w) => w.role_id === admin.id && w.role_name === "WORKSPACE_ADMIN"));
    assert.ok(r.body.every((w) => w.permissions?.includes("workspaces:manage-members")));
    const viewer = await call<WsRow[]>(sim, "/api/v1/workspaces", { key: sim.keys.viewer });
    assert.ok(viewer.body.length > 0 && viewer.body.every((w) => w.role_id === null && w.permissions?.length === 0));
    const scoped = await call<WsRow[]>(sim, "/api/v1/workspaces", { key: sim.keys.workspaceScoped });
    assert.deepEqual(scoped.body.map((w) => w.id), [sim.truth().workspaces[0]!.id]);
  });
});

describe("simulator: workspace membership mutations", () => {
  let sim: Simulator;
  let ws: string;
  let outsider: { orgIdentityId: string; lsUserId: string; userId: string };

  before(async () => {
    sim = await startSimulator({ users: 40, workspaces: 5, seed: 22 });
    ws = sim.truth().workspaces[0]!.id;
    const inWs = new Set(sim.state.workspaceMembers(ws).map((m) => m.lsUserId));
    outsider = sim.state.orgMembers().find((m) => !inWs.has(m.lsUserId))!;
    assert.ok(outsider, "need an org member outside the first workspace");
  });
  after(() => sim.close());

  it("adds an org member (by org_identity_id), then refuses a duplicate with 409", async () => {
    const editor = sim.state.role("WORKSPACE_USER");
    const body = { org_identity_id: outsider.orgIdentityId, role_id: editor.id };
    const r = await call<MemberRow & { organization_id: string; user_id: string; read_only: boolean }>(sim, "/api/v1/workspaces/current/members", {
      method: "POST", tenant: ws, body,
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.ls_user_id, outsider.lsUserId);
    assert.equal(r.body.user_id, outsider.userId);
    assert.equal(r.body.tenant_id, ws);
    assert.equal(r.body.role_id, editor.id);
    assert.equal(r.body.role_name, "WORKSPACE_USER");
    assert.equal(r.body.access_scope, "workspace");
    assert.notEqual(r.body.id, outsider.orgIdentityId, "workspace identity id differs from org identity id");
    assert.deepEqual(Object.keys(r.body), ["id", "organization_id", "tenant_id", "created_at", "user_id", "ls_user_id", "read_only", "role_id", "role_name", "access_scope"]);

    // visible everywhere
    const { rows } = await walk<MemberRow>(sim, "/api/v1/workspaces/current/members/active", 500, { tenant: ws });
    assert.equal(rows[0]!.id, r.body.id, "newest first");
    const orgRows = await walk<{ ls_user_id: string; tenant_ids: string[] }>(sim, "/api/v1/orgs/current/members/active", 500);
    assert.ok(orgRows.rows.find((m) => m.ls_user_id === outsider.lsUserId)!.tenant_ids.includes(ws));
    const platform = await walk<{ ls_user_id: string; workspace_memberships: Array<{ workspace_id: string; role_id: string }> }>(
      sim, "/api/v1/platform/orgs/current/members", 500);
    const p = platform.rows.find((m) => m.ls_user_id === outsider.lsUserId)!;
    assert.ok(p.workspace_memberships.some((w) => w.workspace_id === ws && w.role_id === editor.id));
    assert.ok(sim.truth().workspaceMemberships.some((m) => m.workspaceIdentityId === r.body.id));

    const dup = await call(sim, "/api/v1/workspaces/current/members", { method: "POST", tenant: ws, body: { ls_user_id: outsider.lsUserId, role_id: editor.id } });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.body, { detail: "User is already a member of this workspace" });
  });

  it("patches the role of a workspace identity, then deletes it", async () => {
    const m = sim.state.workspaceMembers(ws).find((x) => x.lsUserId === outsider.lsUserId)!;
    const viewer = sim.state.role("WORKSPACE_VIEWER");
    const patch = await call<MemberRow>(sim, `/api/v1/workspaces/current/members/${m.workspaceIdentityId}`, { method: "PATCH", tenant: ws, body: { role_id: viewer.id } });
    assert.equal(patch.status, 200);
    assert.equal(patch.body.role_id, viewer.id);
    const listed = await call<MemberRow[]>(sim, `/api/v1/workspaces/current/members/active?ls_user_ids=${outsider.lsUserId}`, { tenant: ws });
    assert.deepEqual(listed.body.map((x) => [x.id, x.role_id]), [[m.workspaceIdentityId, viewer.id]]);

    const del = await call(sim, `/api/v1/workspaces/current/members/${m.workspaceIdentityId}`, { method: "DELETE", tenant: ws });
    assert.equal(del.status, 200);
    assert.deepEqual(del.body, {});
    assert.ok(!sim.state.workspaceMembers(ws).some((x) => x.lsUserId === outsider.lsUserId));
    const again = await call(sim, `/api/v1/workspaces/current/members/${m.workspaceIdentityId}`, { method: "DELETE", tenant: ws });
    assert.equal(again.status, 404);
    // the org membership remains
    assert.ok(sim.state.orgMembers().some((x) => x.lsUserId === outsider.lsUserId));
  });

  it("validates mutation bodies", async () => {
    const orgRole = sim.state.role("ORGANIZATION_USER");
    const wrongScope = await call(sim, "/api/v1/workspaces/current/members", { method: "POST", tenant: ws, body: { user_id: outsider.userId, role_id: orgRole.id } });
    assert.equal(wrongScope.status, 400);
    assert.match((wrongScope.body as { detail: string }).detail, /organization role/);
    const noWho = await call(sim, "/api/v1/workspaces/current/members", { method: "POST", tenant: ws, body: { role_id: sim.state.role("WORKSPACE_USER").id } });
    assert.equal(noWho.status, 400);
    const stranger = await call(sim, "/api/v1/workspaces/current/members", { method: "POST", tenant: ws, body: { ls_user_id: "33333333-3333-4333-8333-333333333333" } });
    assert.equal(stranger.status, 404);
    assert.deepEqual(stranger.body, { detail: "Organization member not found" });
    const notUuid = await call<{ detail: Array<{ loc: unknown[] }> }>(sim, "/api/v1/workspaces/current/members", { method: "POST", tenant: ws, body: { org_identity_id: "bob" } });
    assert.equal(notUuid.status, 422);
    assert.deepEqual(notUuid.body.detail[0]!.loc, ["body", "org_identity_id"]);
    const badJson = await call(sim, "/api/v1/workspaces/current/members", { method: "POST", tenant: ws, body: "{not json" });
    assert.equal(badJson.status, 422);

    const someone = sim.state.workspaceMembers(ws)[0]!;
    const noRole = await call<{ detail: Array<{ type: string; loc: unknown[] }> }>(sim, `/api/v1/workspaces/current/members/${someone.workspaceIdentityId}`, { method: "PATCH", tenant: ws, body: {} });
    assert.equal(noRole.status, 422);
    assert.deepEqual(noRole.body.detail[0], { type: "missing", loc: ["body", "role_id"], msg: "Field required", input: null });
    const unknownRole = await call(sim, `/api/v1/workspaces/current/members/${someone.workspaceIdentityId}`, { method: "PATCH", tenant: ws, body: { role_id: "44444444-4444-4444-8444-444444444444" } });
    assert.equal(unknownRole.status, 404);
    // an identity of another workspace is not found through this workspace
    const otherWs = sim.truth().workspaces[1]!.id;
    const foreign = await call(sim, `/api/v1/workspaces/current/members/${someone.workspaceIdentityId}`, { method: "PATCH", tenant: otherWs, body: { role_id: sim.state.role("WORKSPACE_USER").id } });
    assert.equal(foreign.status, 404);
    // wrong method on an existing path
    const put = await call(sim, "/api/v1/workspaces/current/members", { method: "PUT", tenant: ws, body: {} });
    assert.equal(put.status, 405);
  });

  it("reflects state hooks: addOrgMember, setWorkspaceRole, disableUser, removeOrgMember", async () => {
    const before = sim.truth();
    const added = sim.state.addOrgMember({ email: "new.person@example.test", name: "New Person", orgRoleName: "ORGANIZATION_VIEWER" });
    const custom = sim.state.roles().find((r) => r.custom)!;
    sim.state.setWorkspaceRole(ws, added.lsUserId, custom.id);

    const first = await call<Array<{ ls_user_id: string; role_id: string; role_name: string }>>(sim, "/api/v1/orgs/current/members/active?limit=1");
    assert.equal(first.body[0]!.ls_user_id, added.lsUserId);
    assert.equal(first.body[0]!.role_id, sim.state.role("ORGANIZATION_VIEWER").id);
    const wsRow = await call<MemberRow[]>(sim, "/api/v1/workspaces/current/members/active?limit=1", { tenant: ws });
    assert.equal(wsRow.body[0]!.ls_user_id, added.lsUserId);
    assert.equal(wsRow.body[0]!.role_name, "CUSTOM");

    sim.state.disableUser(added.lsUserId);
    const disabled = await call<Array<{ ls_user_id: string; is_disabled: boolean }>>(sim, "/api/v1/orgs/current/members/active?is_disabled=true&limit=500");
    assert.ok(disabled.body.some((m) => m.ls_user_id === added.lsUserId));

    assert.equal(sim.state.removeOrgMember(added.lsUserId), true);
    assert.equal(sim.state.removeOrgMember(added.lsUserId), false);
    const after = sim.truth();
    assert.deepEqual(after.counts, before.counts);
    assert.ok(!after.workspaceMemberships.some((m) => m.lsUserId === added.lsUserId), "removal cascades");
    const env = await call<{ organization_id: string; members: Array<{ ls_user_id: string }>; pending: unknown[] }>(sim, "/api/v1/orgs/current/members");
    assert.equal(env.body.organization_id, sim.orgId);
    assert.equal(env.body.members.length, after.users.length);
    assert.equal(env.body.pending.length, after.pendingInvites);
  });
});

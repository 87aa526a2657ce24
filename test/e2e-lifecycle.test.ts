// Account lifecycle through the real CLI against the simulator, checking LangSmith's (the simulator's) state
// after each step: invitations synced with the access they bring, create-account, removal, org-role changes.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { EntitlementExclusionGroupSchema, EntitlementImmutableSchema, GrantImmutableSchema, getAnnotation, hasAnnotation } from "../src/baton/model.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { assertMatchesTruth, readC1z } from "./support/c1z-content.js";
import { type CliResult, runCli, tmpDir } from "./support/cli.js";

const TYPE = "type.googleapis.com/c1.connector.v2.";

describe("account lifecycle", () => {
  let sim: Simulator;
  let file: string;
  let ws: string;
  let ws2: string;
  const env = () => ({ BATON_API_KEY: sim.keys.admin, BATON_ORGANIZATION_ID: sim.orgId });
  const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
    runCli(["--base-url", sim.url, "--file", file, "--log-format", "json", ...args], { env: { ...env(), ...extraEnv } });
  const sync = async (args: string[] = []) => {
    const r = await cli(args);
    assert.equal(r.code, 0, r.stderr);
    return readC1z(file);
  };
  const result = (r: CliResult) => {
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout.trim()) as { result: string; message: string; resource?: string; annotations?: string[]; grants?: string[] };
  };
  const writes = () => sim.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.route}`);
  const role = (name: string) => sim.state.role(name).id;

  before(async () => {
    sim = await startSimulator({ users: 30, workspaces: 3, seed: 53 });
    file = join(tmpDir(), "sync.c1z");
    [ws, ws2] = sim.truth().workspaces.map((w) => w.id) as [string, string];
  });
  after(async () => sim?.close());

  it("invite → sync → accept → sync: the invitation holds its roles, then becomes a user, never both", async () => {
    const inv = sim.state.invite({ email: "new.hire@example.com", orgRoleName: "ORGANIZATION_VIEWER", workspaceIds: [ws], workspaceRoleName: "WORKSPACE_USER" });
    const member = sim.state.orgMembers().find((m) => !m.disabled && !sim.state.workspaceMembers(ws2).some((w) => w.lsUserId === m.lsUserId))!;
    const wsInvite = sim.state.inviteMemberToWorkspace(ws2, member.lsUserId, role("WORKSPACE_VIEWER"));

    const before = await sync();
    assertMatchesTruth(before, sim);
    assert.ok(before.resources.has(`invitation:${inv.id}`));
    assert.ok(before.grants.has(`org_role:${role("ORGANIZATION_VIEWER")}:assigned:invitation:${inv.id}`));
    assert.ok(before.grants.has(`workspace_role:${ws}:${role("WORKSPACE_USER")}:assigned:invitation:${inv.id}`));
    assert.ok(before.grants.has(`workspace_role:${ws2}:${role("WORKSPACE_VIEWER")}:assigned:invitation:${ws2}:${wsInvite.id}`), "workspace invitation of a member");
    assert.ok(![...before.resources.entries()].some(([k, r]) => k.startsWith("user:") && r.login === "new.hire@example.com"), "an invitation is never a user");
    const r = await cli([]);
    assert.equal(r.code, 0);

    const accepted = sim.state.acceptInvite(inv.id, "New Hire");
    sim.state.acceptWorkspaceInvite(ws2, wsInvite.id);
    const afterAccept = await sync();
    assertMatchesTruth(afterAccept, sim);
    assert.ok(!afterAccept.resources.has(`invitation:${inv.id}`), "the accepted invitation is gone");
    assert.ok(afterAccept.resources.has(`user:${accepted.lsUserId}`));
    const holders = [...afterAccept.resources.entries()].filter(([, v]) => v.login === "new.hire@example.com");
    assert.equal(holders.length, 1, "counted once");
    assert.ok(afterAccept.grants.has(`workspace_role:${ws}:${role("WORKSPACE_USER")}:assigned:user:${accepted.lsUserId}`));
    assert.ok(afterAccept.grants.has(`workspace_role:${ws2}:${role("WORKSPACE_VIEWER")}:assigned:user:${member.lsUserId}`));
  });

  it("the summary counts invitations", async () => {
    const r = await runCli(["--base-url", sim.url, "--file", file, "--log-format", "console"], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`invitations\\s+${sim.truth().invitations.length + sim.truth().memberWorkspaceInvites.length}\\b`));
  });

  it("exclusion groups: one mandatory cross-resource group for org roles, one optional group per workspace", async () => {
    await sync();
    const reader = await C1zReader.open(file);
    try {
      const groups = new Map<string, Array<{ id: string; order: number; isDefault: boolean }>>();
      for (const e of reader.entitlements()) {
        const g = getAnnotation(e.annotations, EntitlementExclusionGroupSchema);
        const type = e.resource!.id!.resourceType;
        if (type === "org_role" || type === "workspace_role") assert.ok(g, `${e.id} carries an exclusion group`);
        else assert.equal(g, undefined, `${e.id} carries none`);
        if (!g) continue;
        assert.equal(g.scopeToResource, false);
        const list = groups.get(g.exclusionGroupId) ?? [];
        list.push({ id: e.id, order: g.order, isDefault: g.isDefault });
        groups.set(g.exclusionGroupId, list);
        if (type === "org_role") assert.ok(hasAnnotation(e.annotations, EntitlementImmutableSchema), "org roles read-only by default");
      }
      const org = groups.get("org_role")!;
      assert.deepEqual(org.filter((x) => x.isDefault).map((x) => x.id), [`org_role:${role("ORGANIZATION_USER")}:assigned`]);
      const order = (name: string) => org.find((x) => x.id === `org_role:${role(name)}:assigned`)!.order;
      assert.ok(order("ORGANIZATION_ADMIN") > order("ORGANIZATION_OPERATOR") && order("ORGANIZATION_OPERATOR") > order("ORGANIZATION_USER") && order("ORGANIZATION_USER") > order("ORGANIZATION_VIEWER"));
      for (const w of sim.truth().workspaces) {
        const g = groups.get(`workspace_role:${w.id}`)!;
        assert.equal(g.length, sim.truth().roles.filter((r) => r.accessScope === "workspace").length);
        assert.ok(g.every((x) => !x.isDefault), "no default in a workspace");
      }
      assert.equal(groups.size, 1 + sim.truth().workspaces.length);
    } finally {
      reader.close();
    }
  });

  it("create-account: new person → invitation (action required); again → already exists, brought in line; active member → already exists", async () => {
    const profile = JSON.stringify({ org_role: "Organization Viewer", workspaces: [ws], workspace_role: "WORKSPACE_USER" });
    sim.resetLog();
    const created = result(await cli(["-p", "--create-account-email", "Joiner@Example.com", "--create-account-profile", profile]));
    assert.equal(created.result, "action-required");
    assert.deepEqual(writes(), ["POST POST /api/v1/orgs/current/members"]);
    const pending = sim.state.pendingInvites().find((p) => p.email === "joiner@example.com")!;
    assert.equal(created.resource, `invitation:${pending.id}`);
    assert.equal(pending.orgRoleId, role("ORGANIZATION_VIEWER"));
    assert.deepEqual(pending.workspaceIds, [ws]);
    assert.equal(pending.workspaceRoleId, role("WORKSPACE_USER"));

    sim.resetLog();
    const same = result(await cli(["-p", "--create-account-email", "joiner@example.com", "--create-account-profile", profile]));
    assert.equal(same.result, "already-exists");
    assert.equal(same.resource, `invitation:${pending.id}`);
    assert.deepEqual(writes(), [], "nothing to change");

    sim.resetLog();
    const promoted = result(await cli(["-p", "--create-account-login", "joiner@example.com", "--create-account-profile", JSON.stringify({ org_role: "ORGANIZATION_USER" })]));
    assert.equal(promoted.result, "already-exists");
    assert.deepEqual(writes(), ["PATCH PATCH /api/v1/orgs/current/members/{identity_id}/pending"]);
    assert.equal(sim.state.pendingInvites().find((p) => p.id === pending.id)!.orgRoleId, role("ORGANIZATION_USER"));

    sim.resetLog();
    const moved = result(await cli(["-p", "--create-account-email", "joiner@example.com", "--create-account-profile", JSON.stringify({ workspaces: { [ws2]: "Viewer" } })]));
    assert.equal(moved.result, "already-exists");
    const reissued = sim.state.pendingInvites().find((p) => p.email === "joiner@example.com")!;
    assert.notEqual(reissued.id, pending.id, "LangSmith cannot change an invitation's workspaces: it was re-issued");
    assert.deepEqual(reissued.workspaceIds, [ws2]);
    assert.equal(reissued.orgRoleId, role("ORGANIZATION_USER"), "org role kept");
    assert.equal(moved.resource, `invitation:${reissued.id}`);

    const active = sim.state.orgMembers().find((m) => !m.disabled)!;
    sim.resetLog();
    const exists = result(await cli(["-p", "--create-account-email", active.email.toUpperCase()]));
    assert.equal(exists.result, "already-exists");
    assert.equal(exists.resource, `user:${active.lsUserId}`);
    assert.deepEqual(writes(), []);
  });

  it("delete an invitation (org and workspace ones), then again: already gone", async () => {
    const inv = sim.state.invite({ email: "leaving.soon@example.com", workspaceIds: [ws] });
    sim.resetLog();
    const gone = result(await cli(["-p", "--delete-resource", inv.id, "--delete-resource-type", "invitation"]));
    assert.match(gone.message, /cancelled the invitation of leaving.soon@example.com/);
    assert.deepEqual(writes(), ["DELETE DELETE /api/v1/orgs/current/members/{identity_id}/pending"]);
    assert.ok(!sim.state.pendingInvites().some((p) => p.id === inv.id));
    assert.ok(!sim.state.workspaceInvites(ws).some((p) => p.orgInviteId === inv.id), "its workspace rows went too");
    sim.resetLog();
    const again = result(await cli(["-p", "--delete-resource", inv.id, "--delete-resource-type", "invitation"]));
    assert.match(again.message, /no longer pending/);
    assert.deepEqual(writes(), []);

    const member = sim.state.orgMembers().find((m) => !m.disabled && !sim.state.workspaceMembers(ws).some((w) => w.lsUserId === m.lsUserId))!;
    const wsInv = sim.state.inviteMemberToWorkspace(ws, member.lsUserId, role("WORKSPACE_USER"));
    result(await cli(["-p", "--delete-resource", `${ws}:${wsInv.id}`, "--delete-resource-type", "invitation"]));
    assert.ok(!sim.state.workspaceInvites(ws).some((p) => p.id === wsInv.id));
  });

  it("delete a user: removed from the org with their workspace memberships; again: already gone; never the last Organization Admin", async () => {
    const leaver = sim.state.orgMembers().find((m) => !m.disabled && m.orgRoleId === role("ORGANIZATION_USER") && sim.truth().workspaceMemberships.some((w) => w.lsUserId === m.lsUserId))!;
    sim.resetLog();
    const r = await cli(["-p", "--delete-resource", leaver.lsUserId, "--delete-resource-type", "user"]);
    const out = result(r);
    assert.match(out.message, /workspace memberships went with it/);
    assert.match(r.stderr, /workspace memberships went with it/, "the log line says so");
    assert.deepEqual(writes(), ["DELETE DELETE /api/v1/orgs/current/members/{identity_id}"]);
    assert.ok(!sim.state.orgMembers().some((m) => m.lsUserId === leaver.lsUserId));
    assert.ok(!sim.truth().workspaceMemberships.some((w) => w.lsUserId === leaver.lsUserId));
    const again = result(await cli(["-p", "--delete-resource", leaver.lsUserId, "--delete-resource-type", "user"]));
    assert.match(again.message, /already removed/);

    const admins = sim.state.orgMembers().filter((m) => m.orgRoleId === role("ORGANIZATION_ADMIN"));
    for (const a of admins.slice(1)) sim.state.removeOrgMember(a.lsUserId);
    sim.resetLog();
    const refused = await cli(["-p", "--delete-resource", admins[0]!.lsUserId, "--delete-resource-type", "user"]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /last Organization Admin/);
    assert.deepEqual(writes(), []);
    assert.ok(sim.state.orgMembers().some((m) => m.lsUserId === admins[0]!.lsUserId));
  });

  it("org-role provisioning (opt-in): grant replaces, again already exists, revoke falls back to the default, the default cannot be revoked", async () => {
    const user = sim.state.orgMembers().find((m) => !m.disabled && m.orgRoleId === role("ORGANIZATION_USER"))!;
    const ent = (name: string) => `org_role:${role(name)}:assigned`;
    const grantArgs = (name: string) => ["-p", "--grant-entitlement", ent(name), "--grant-principal", user.lsUserId];

    await sync();
    const off = await cli(grantArgs("ORGANIZATION_VIEWER"));
    assert.equal(off.code, 1);
    assert.match(off.stderr, /--org-role-provisioning/);

    const c1z = await sync(["--org-role-provisioning"]);
    assert.ok(c1z.grants.has(`${ent("ORGANIZATION_USER")}:user:${user.lsUserId}`));
    const reader = await C1zReader.open(file);
    try {
      const e = reader.getEntitlement(ent("ORGANIZATION_VIEWER"))!;
      assert.ok(!hasAnnotation(e.annotations, EntitlementImmutableSchema), "writable when opted in");
      const g = reader.getGrant(`${ent("ORGANIZATION_USER")}:user:${user.lsUserId}`)!;
      assert.ok(!hasAnnotation(g.annotations, GrantImmutableSchema));
    } finally {
      reader.close();
    }

    sim.resetLog();
    const replaced = result(await cli(["--org-role-provisioning", ...grantArgs("ORGANIZATION_VIEWER")]));
    assert.equal(replaced.result, "replaced");
    assert.deepEqual(replaced.annotations, [`${TYPE}GrantReplaced`]);
    assert.match(replaced.message, new RegExp(ent("ORGANIZATION_USER")));
    assert.deepEqual(writes(), ["PATCH PATCH /api/v1/orgs/current/members/{identity_id}"]);
    assert.equal(sim.state.orgMembers().find((m) => m.lsUserId === user.lsUserId)!.orgRoleId, role("ORGANIZATION_VIEWER"));

    sim.resetLog();
    const again = result(await cli(["--org-role-provisioning", ...grantArgs("ORGANIZATION_VIEWER")]));
    assert.equal(again.result, "already-exists");
    assert.deepEqual(again.annotations, [`${TYPE}GrantAlreadyExists`]);
    assert.deepEqual(writes(), []);

    await sync(["--org-role-provisioning"]);
    sim.resetLog();
    const revoked = result(await cli(["--org-role-provisioning", "-p", "--revoke-grant", `${ent("ORGANIZATION_VIEWER")}:user:${user.lsUserId}`]));
    assert.equal(revoked.result, "revoked");
    assert.match(revoked.message, /now Organization User/);
    assert.equal(sim.state.orgMembers().find((m) => m.lsUserId === user.lsUserId)!.orgRoleId, role("ORGANIZATION_USER"));

    await sync(["--org-role-provisioning"]);
    sim.resetLog();
    const refused = await cli(["--org-role-provisioning", "-p", "--revoke-grant", `${ent("ORGANIZATION_USER")}:user:${user.lsUserId}`]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /default organization role/);
    assert.deepEqual(writes(), []);

    // An invitation's org role changes in place.
    const inv = sim.state.invite({ email: "role.change@example.com" });
    await sync(["--org-role-provisioning"]);
    const onInvite = result(await cli(["--org-role-provisioning", "-p", "--grant-entitlement", ent("ORGANIZATION_VIEWER"), "--grant-principal", inv.id, "--grant-principal-type", "invitation"]));
    assert.equal(onInvite.result, "replaced");
    assert.equal(sim.state.pendingInvites().find((p) => p.id === inv.id)!.orgRoleId, role("ORGANIZATION_VIEWER"));
  });

  it("a workspace role for an invitation is refused with the reason (LangSmith cannot change an invitation's workspaces)", async () => {
    const inv = sim.state.invite({ email: "ws.refused@example.com" });
    await sync();
    sim.resetLog();
    const r = await cli(["-p", "--grant-entitlement", `workspace_role:${ws}:${role("WORKSPACE_USER")}:assigned`, "--grant-principal", inv.id, "--grant-principal-type", "invitation"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot change which workspaces a pending invitation joins/);
    assert.deepEqual(writes(), []);
  });
});

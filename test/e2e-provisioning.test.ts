// Grant/revoke cycle through the real CLI, checking LangSmith's (the simulator's) state after each step.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { type CliResult, runCli, tmpDir } from "./support/cli.js";

const TYPE = "type.googleapis.com/c1.connector.v2.";

describe("provisioning workspace roles", () => {
  let sim: Simulator;
  let file: string;
  let ws: string;
  let user: { lsUserId: string; email: string };
  let editor: string;
  let viewer: string;
  const env = () => ({ BATON_API_KEY: sim.keys.admin, BATON_ORGANIZATION_ID: sim.orgId });
  const cli = (args: string[]) => runCli(["--base-url", sim.url, "--file", file, "--log-format", "json", ...args], { env: env() });
  const sync = async () => assert.equal((await cli([])).code, 0);
  const result = (r: CliResult) => {
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout.trim()) as { result: string; annotations: string[]; grants: string[]; message: string };
  };
  const writes = () => sim.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.route}`);
  const membership = () => sim.state.workspaceMembers(ws).find((m) => m.lsUserId === user.lsUserId);
  const roleGrant = (roleId: string) => `workspace_role:${ws}:${roleId}:assigned`;

  before(async () => {
    sim = await startSimulator({ users: 30, workspaces: 3, seed: 31 });
    file = join(tmpDir(), "sync.c1z");
    ws = sim.truth().workspaces[0]!.id;
    const outsider = sim.state.orgMembers().find((m) => !m.disabled && !sim.state.workspaceMembers(ws).some((w) => w.lsUserId === m.lsUserId));
    assert.ok(outsider, "the seeded org has an active member outside the first workspace");
    user = outsider;
    editor = sim.state.role("WORKSPACE_USER").id;
    viewer = sim.state.role("WORKSPACE_VIEWER").id;
    await sync();
  });
  after(async () => sim?.close());

  it("adds a non-member to the workspace with the role", async () => {
    sim.resetLog();
    const r = result(await cli(["-p", "--grant-entitlement", roleGrant(editor), "--grant-principal", user.lsUserId]));
    assert.equal(r.result, "granted");
    assert.deepEqual(r.grants, [`${roleGrant(editor)}:user:${user.lsUserId}`]);
    assert.equal(membership()?.roleId, editor);
    assert.deepEqual(writes(), ["POST POST /api/v1/workspaces/current/members"]);
  });

  it("succeeds without a write when the role is already held (GrantAlreadyExists)", async () => {
    sim.resetLog();
    const r = result(await cli(["-p", "--grant-entitlement", roleGrant(editor), "--grant-principal", user.lsUserId]));
    assert.equal(r.result, "already-exists");
    assert.deepEqual(r.annotations, [`${TYPE}GrantAlreadyExists`]);
    assert.deepEqual(writes(), []);
    assert.equal(membership()?.roleId, editor);
  });

  it("changes the role when another is held, naming the replaced grant (GrantReplaced)", async () => {
    sim.resetLog();
    const r = result(await cli(["-p", "--grant-entitlement", roleGrant(viewer), "--grant-principal", user.lsUserId]));
    assert.equal(r.result, "replaced");
    assert.deepEqual(r.annotations, [`${TYPE}GrantReplaced`]);
    assert.match(r.message, new RegExp(roleGrant(editor)));
    assert.equal(membership()?.roleId, viewer);
    assert.deepEqual(writes(), ["PATCH PATCH /api/v1/workspaces/current/members/{identity_id}"]);
  });

  it("revokes by removing the membership, then reports already revoked", async () => {
    await sync(); // the new grant must be in the file to be named
    const grantId = `${roleGrant(viewer)}:user:${user.lsUserId}`;
    sim.resetLog();
    const r = result(await cli(["-p", "--revoke-grant", grantId]));
    assert.equal(r.result, "revoked");
    assert.equal(membership(), undefined);
    assert.deepEqual(writes(), ["DELETE DELETE /api/v1/workspaces/current/members/{identity_id}"]);
    sim.resetLog();
    const again = result(await cli(["-p", "--revoke-grant", grantId]));
    assert.equal(again.result, "already-revoked");
    assert.deepEqual(again.annotations, [`${TYPE}GrantAlreadyRevoked`]);
    assert.deepEqual(writes(), []);
  });

  it("leaves a different role alone when revoking one the user no longer holds", async () => {
    const other = sim.state.workspaceMembers(ws).find((m) => m.roleId !== viewer)!;
    await sync();
    sim.state.setWorkspaceRole(ws, other.lsUserId, viewer); // changed in LangSmith after the sync
    sim.resetLog();
    const r = result(await cli(["-p", "--revoke-grant", `workspace_role:${ws}:${other.roleId}:assigned:user:${other.lsUserId}`]));
    assert.equal(r.result, "already-revoked");
    assert.equal(sim.state.workspaceMembers(ws).find((m) => m.lsUserId === other.lsUserId)?.roleId, viewer);
    assert.deepEqual(writes(), []);
  });

  it("refuses a principal who is no longer an org member, changing nothing", async () => {
    await sync();
    const leaver = sim.state.orgMembers().find((m) => m.lsUserId !== user.lsUserId && !sim.state.workspaceMembers(ws).some((w) => w.lsUserId === m.lsUserId))!;
    sim.state.removeOrgMember(leaver.lsUserId);
    sim.resetLog();
    const r = await cli(["-p", "--grant-entitlement", roleGrant(editor), "--grant-principal", leaver.lsUserId]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not an active member of the LangSmith organization/);
    assert.deepEqual(writes(), []);
    assert.equal(sim.state.workspaceMembers(ws).some((m) => m.lsUserId === leaver.lsUserId), false);
  });

  it("refuses org roles and workspace membership with the reason, before any request", async () => {
    const orgRole = sim.state.role("ORGANIZATION_ADMIN").id;
    sim.resetLog();
    const r = await cli(["-p", "--grant-entitlement", `org_role:${orgRole}:assigned`, "--grant-principal", user.lsUserId]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /organization roles are read-only.*exactly one org role per member/);
    const m = await cli(["-p", "--grant-entitlement", `workspace:${ws}:member`, "--grant-principal", user.lsUserId]);
    assert.equal(m.code, 1);
    assert.match(m.stderr, /workspace membership is read-only.*workspace_role/);
    assert.deepEqual(sim.requests, []);
  });
});

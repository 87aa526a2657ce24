// The real client's requests, as the simulator logged them, checked against LangSmith's OpenAPI document.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LangSmithClient } from "../src/langsmith/index.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { openApiSkipReason, resolveOperation, validateRequest, validateResponse } from "./support/openapi-contract.js";

describe("client requests ↔ OpenAPI contract", { skip: openApiSkipReason }, () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ users: 30, workspaces: 3, seed: 23 });
  });
  after(async () => sim?.close());

  it("every request of every client method matches the document's parameters and bodies", async () => {
    const c = new LangSmithClient({ apiKey: sim.keys.admin, organizationId: sim.orgId, baseUrl: sim.url });
    const ws = sim.truth().workspaces[0]!.id;
    const editor = sim.state.role("WORKSPACE_USER").id;
    const viewer = sim.state.role("WORKSPACE_VIEWER").id;
    const outsider = sim.state.orgMembers().find((m) => !sim.state.workspaceMembers(ws).some((w) => w.lsUserId === m.lsUserId))!;

    await c.getOrganization();
    await c.listRoles();
    await c.listWorkspaces();
    await c.listWorkspaces({ includeDeleted: true });
    await c.listOrgMembersPage({ limit: 500, offset: 0 });
    await c.listOrgMembersPage({ lsUserIds: [outsider.lsUserId] });
    await c.listOrgPendingPage();
    await c.listPlatformMembersPage({ activeOnly: true });
    await c.listWorkspaceMembersPage(ws, { lsUserIds: [outsider.lsUserId] });
    await c.listWorkspacePendingPage(ws);
    await c.listServiceKeys();
    await c.listPersonalAccessTokens();
    const added = await c.addWorkspaceMember(ws, { orgIdentityId: outsider.orgIdentityId, roleId: editor });
    await c.setWorkspaceMemberRole(ws, added.identityId, viewer);
    await c.removeWorkspaceMember(ws, added.identityId);
    const orgUser = sim.state.role("ORGANIZATION_USER").id;
    const orgViewer = sim.state.role("ORGANIZATION_VIEWER").id;
    const invite = await c.inviteOrgMember({ email: "contract.client@example.com", roleId: orgUser, workspaceIds: [ws], workspaceRoleId: editor });
    assert.deepEqual(invite.workspaceIds, [ws]);
    assert.equal(invite.workspaceRoleId, editor);
    await c.listOrgPendingPage({ emails: ["contract.client@example.com"] });
    const wsInvite = sim.state.workspaceInvites(ws).find((p) => p.orgInviteId === invite.id)!;
    await c.cancelWorkspaceInvite(ws, wsInvite.id);
    await c.cancelOrgInvite(invite.id);
    await c.setOrgMemberRole(outsider.orgIdentityId, orgViewer);
    await c.removeOrgMember(outsider.orgIdentityId);
    assert.ok(!sim.state.orgMembers().some((m) => m.lsUserId === outsider.lsUserId));
    await c.listServiceAccounts();
    const scoped = await c.createServiceKey({ description: "contract", workspaceIds: [ws], roleId: viewer, expiresAt: "2031-01-01T00:00:00Z" });
    const orgWide = await c.createServiceKey({ description: "contract org-wide", orgRoleId: sim.state.role("ORGANIZATION_VIEWER").id });
    await c.deleteServiceKey(scoped.id);
    await c.deleteServiceKey(orgWide.id);
    // The org-wide PAT listing is in no published document: checked apart, against the simulator's shape.
    const pats = await c.listOrgPersonalAccessTokens();
    assert.equal(pats.length, sim.truth().personalAccessTokens.length);
    assert.ok(pats.every((p) => p.owner.lsUserId));

    const problems: string[] = [];
    const routes = new Set<string>();
    for (const r of sim.requests.filter((x) => x.path !== "/api/v1/orgs/current/members/personal-access-tokens")) {
      const op = resolveOperation(r.method, r.path);
      assert.ok(op, `${r.method} ${r.path} is not in the OpenAPI document`);
      routes.add(`${r.method} ${op.template}`);
      for (const p of validateRequest(r.method, r.path, r.query, r.body)) problems.push(`${r.method} ${r.path}: ${p}`);
      assert.ok(r.status >= 200 && r.status < 300, `${r.method} ${r.path} answered ${r.status}`);
    }
    assert.deepEqual(problems, []);
    assert.equal(routes.size, 24 - 1 /* listWorkspaces twice */ - 1 /* org members twice */ - 1 /* org pending twice */);

    // setOrgInviteRole's PATCH …/pending is in a newer edition of the document only; its body is the same OrgIdentityPatch shape.
    const again = await c.inviteOrgMember({ email: "contract.client2@example.com", roleId: orgUser });
    sim.resetLog();
    await c.setOrgInviteRole(again.id, orgViewer);
    assert.equal(sim.requests[0]!.status, 200);
    assert.deepEqual(validateRequest("PATCH", "/api/v1/orgs/current/members/{identity_id}", {}, sim.requests[0]!.body), []);
    assert.equal(sim.state.pendingInvites().find((p) => p.id === again.id)!.orgRoleId, orgViewer);
  });

  it("the document rejects what the client must never send (the check can fail)", () => {
    assert.notDeepEqual(validateRequest("GET", "/api/v1/orgs/current/members/active", { limit: ["501"] }), []);
    assert.notDeepEqual(validateRequest("PATCH", "/api/v1/workspaces/current/members/00000000-0000-4000-8000-000000000000", {}, {}), []);
    assert.notDeepEqual(validateResponse("GET", "/api/v1/orgs/current/roles", 200, [{ id: 1 }]), []);
  });
});

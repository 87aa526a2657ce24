import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startSimulator, type Simulator } from "../src/simulator/index.js";
import { call, walk } from "./support/sim-http.js";

interface PlatformRow {
  id: string;
  email: string;
  is_pending: boolean;
  is_disabled: boolean;
  ls_user_id: string;
  role_id: string;
  created_at: string;
  workspace_memberships: Array<{ workspace_id: string; workspace_name: string; role_id: string; role_name: string }>;
}

const PREFIXES = ["/v1/platform", "/api/v1/platform"];

describe("simulator: platform member list (full)", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ users: 260, workspaces: 6, seed: 31 });
  });
  after(() => sim.close());

  it("serves both prefixes with X-Pagination-Total and X-Members-List-All-Workspaces: true", async () => {
    const t = sim.truth();
    for (const prefix of PREFIXES) {
      const r = await call<PlatformRow[]>(sim, `${prefix}/orgs/current/members`);
      assert.equal(r.status, 200, prefix);
      assert.equal(r.body.length, 50, "default limit 50");
      assert.equal(r.headers.get("x-pagination-total"), String(t.counts.users + t.pendingInvites));
      assert.equal(r.headers.get("x-members-list-all-workspaces"), "true");
      assert.match(r.body[0]!.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  it("lists every active member and pending invite once, with all synced workspace memberships", async () => {
    const t = sim.truth();
    const { rows } = await walk<PlatformRow>(sim, "/api/v1/platform/orgs/current/members", 100);
    assert.equal(rows.length, t.counts.users + t.pendingInvites);
    assert.equal(new Set(rows.map((r) => r.id)).size, rows.length);
    const active = rows.filter((r) => !r.is_pending);
    const pending = rows.filter((r) => r.is_pending);
    assert.equal(pending.length, t.pendingInvites);
    assert.ok(pending.every((r) => r.ls_user_id === ""));
    assert.deepEqual(new Set(active.map((r) => r.id)), new Set(t.users.map((u) => u.orgIdentityId)));
    assert.equal(active.filter((r) => r.is_disabled).length, t.counts.disabledUsers);

    const synced = new Set(t.workspaces.map((w) => w.id));
    const fromPlatform = active
      .flatMap((r) => r.workspace_memberships.filter((m) => synced.has(m.workspace_id)).map((m) => `${m.workspace_id}/${r.ls_user_id}/${m.role_id}`))
      .sort();
    const expected = t.workspaceMemberships.map((m) => `${m.workspaceId}/${m.lsUserId}/${m.roleId}`).sort();
    assert.deepEqual(fromPlatform, expected);
  });

  it("filters with active_is / pending_is and validates parameters Go-style", async () => {
    const t = sim.truth();
    const act = await call<PlatformRow[]>(sim, "/v1/platform/orgs/current/members?active_is=true&limit=500");
    assert.equal(act.headers.get("x-pagination-total"), String(t.counts.users));
    assert.ok(act.body.every((r) => !r.is_pending));
    const pen = await call<PlatformRow[]>(sim, "/v1/platform/orgs/current/members?pending_is=true");
    assert.equal(pen.headers.get("x-pagination-total"), String(t.pendingInvites));
    assert.ok(pen.body.every((r) => r.is_pending));
    const byEmail = await call<PlatformRow[]>(sim, `/v1/platform/orgs/current/members?email_like=${encodeURIComponent("invitee.*")}`);
    assert.equal(byEmail.body.length, t.pendingInvites);

    const tooBig = await call(sim, "/api/v1/platform/orgs/current/members?limit=501");
    assert.equal(tooBig.status, 400);
    assert.ok(tooBig.text.endsWith("}\n"), "Go bodies end with a newline");
    assert.equal((tooBig.body as { error: string }).error, "invalid_parameter");
    assert.equal((await call(sim, "/api/v1/platform/orgs/current/members?limit=ten")).status, 400);
    assert.equal((await call(sim, "/api/v1/platform/orgs/current/members?active_is=maybe")).status, 400);

    const unauth = await call(sim, "/api/v1/platform/orgs/current/members", { key: null });
    assert.equal(unauth.status, 401);
    assert.deepEqual(unauth.body, { error: "unauthorized", message: "Invalid token" });
  });

  it("says false (and limits rows) for a caller without organization:manage", async () => {
    const r = await call<PlatformRow[]>(sim, "/api/v1/platform/orgs/current/members?limit=500", { key: sim.keys.viewer });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("x-members-list-all-workspaces"), "false");
    const firstWs = sim.truth().workspaces[0]!.id;
    assert.ok(r.body.every((row) => row.workspace_memberships.every((m) => m.workspace_id === firstWs)));
    const scoped = await call(sim, "/api/v1/platform/orgs/current/members", { key: sim.keys.workspaceScoped });
    assert.equal(scoped.status, 403);
    assert.deepEqual(scoped.body, { error: "forbidden", message: "missing permission organization:read" });
  });
});

describe("simulator: platform member list (limited / absent)", () => {
  it("limited: header false and memberships restricted to the caller's own workspaces", async () => {
    const sim = await startSimulator({ users: 80, workspaces: 5, seed: 32, platformMembers: "limited" });
    try {
      const { rows } = await walk<PlatformRow>(sim, "/api/v1/platform/orgs/current/members", 500);
      const r = await call(sim, "/api/v1/platform/orgs/current/members");
      assert.equal(r.headers.get("x-members-list-all-workspaces"), "false");
      const firstWs = sim.truth().workspaces[0]!.id;
      const listed = rows.flatMap((row) => row.workspace_memberships);
      assert.ok(listed.length > 0);
      assert.ok(listed.every((m) => m.workspace_id === firstWs));
      assert.ok(listed.length < sim.truth().workspaceMemberships.length, "incomplete on purpose");
    } finally {
      await sim.close();
    }
  });

  it("absent: both paths answer a Go-style 404", async () => {
    const sim = await startSimulator({ users: 10, workspaces: 2, seed: 33, platformMembers: "absent" });
    try {
      for (const prefix of PREFIXES) {
        const r = await call(sim, `${prefix}/orgs/current/members`);
        assert.equal(r.status, 404, prefix);
        assert.equal((r.body as { error: string }).error, "not_found");
        assert.ok(r.text.endsWith("\n"));
      }
      // the FastAPI routes still work
      assert.equal((await call(sim, "/api/v1/orgs/current/members/active")).status, 200);
    } finally {
      await sim.close();
    }
  });
});

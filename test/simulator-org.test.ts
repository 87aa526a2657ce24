import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { describe, it } from "node:test";
import { startSimulator, type Simulator } from "../src/simulator/index.js";
import { call } from "./support/sim-http.js";

async function withSim<T>(opts: Parameters<typeof startSimulator>[0], fn: (sim: Simulator) => Promise<T>): Promise<T> {
  const sim = await startSimulator(opts);
  try {
    return await fn(sim);
  } finally {
    await sim.close();
  }
}

describe("simulator: seeded org", () => {
  it("is reproducible: same seed ⇒ same truth, ids and keys; another seed differs", async () => {
    const a = await withSim({ users: 60, workspaces: 6, seed: 42 }, async (s) => ({ truth: s.truth(), keys: s.keys, orgId: s.orgId }));
    const b = await withSim({ users: 60, workspaces: 6, seed: 42 }, async (s) => ({ truth: s.truth(), keys: s.keys, orgId: s.orgId }));
    const c = await withSim({ users: 60, workspaces: 6, seed: 43 }, async (s) => ({ truth: s.truth(), keys: s.keys, orgId: s.orgId }));
    assert.deepEqual(a, b);
    assert.notEqual(a.orgId, c.orgId);
    assert.notDeepEqual(a.truth.users.map((u) => u.lsUserId), c.truth.users.map((u) => u.lsUserId));
    assert.notEqual(a.keys.admin, c.keys.admin);
  });

  it("serves the same bytes for the same seed", async () => {
    const get = (s: Simulator) => call(s, "/api/v1/orgs/current/members/active?limit=20").then((r) => r.text);
    const x = await withSim({ users: 30, seed: 9 }, get);
    const y = await withSim({ users: 30, seed: 9 }, get);
    assert.equal(x, y);
  });

  it("has the required composition by default", async () => {
    await withSim({}, async (sim) => {
      const t = sim.truth();
      assert.equal(t.counts.users, 25);
      assert.equal(t.workspaces.length, 4);
      assert.equal(t.orgId, sim.orgId);
      const builtins = t.roles.filter((r) => !r.custom).map((r) => r.name).sort();
      assert.deepEqual(builtins, ["ORGANIZATION_ADMIN", "ORGANIZATION_OPERATOR", "ORGANIZATION_USER", "ORGANIZATION_VIEWER", "WORKSPACE_ADMIN", "WORKSPACE_USER", "WORKSPACE_VIEWER"]);
      const customs = t.roles.filter((r) => r.custom);
      assert.ok(customs.length >= 1 && customs.every((r) => r.name === "CUSTOM" && r.accessScope === "workspace"));
      assert.ok(t.counts.disabledUsers >= 1);
      assert.ok(t.counts.orgAdmins >= 2);
      assert.ok(t.pendingInvites >= 1);
      assert.ok(t.excludedWorkspaces.personal >= 1 && t.excludedWorkspaces.deleted >= 1);
      const orgAdmin = t.roles.find((r) => r.name === "ORGANIZATION_ADMIN")!;
      assert.equal(t.users.filter((u) => u.orgRoleId === orgAdmin.id).length, t.counts.orgAdmins);
      assert.ok(t.workspaceMemberships.some((m) => customs.some((c) => c.id === m.roleId)) || t.workspaceMemberships.length < 60);

      // distinct id spaces
      const ids = [
        ...t.users.map((u) => u.orgIdentityId),
        ...t.users.map((u) => u.lsUserId),
        ...t.users.map((u) => u.userId),
        ...t.workspaceMemberships.map((m) => m.workspaceIdentityId),
        ...sim.state.pendingInvites().map((p) => p.id),
        ...t.workspaces.map((w) => w.id),
        ...t.roles.map((r) => r.id),
      ];
      assert.equal(new Set(ids).size, ids.length);

      // memberships are unique per (workspace, user) and reference known users/workspaces/roles
      const pairs = new Set(t.workspaceMemberships.map((m) => `${m.workspaceId}/${m.lsUserId}`));
      assert.equal(pairs.size, t.workspaceMemberships.length);
      const users = new Set(t.users.map((u) => u.lsUserId));
      const wss = new Set(t.workspaces.map((w) => w.id));
      const wsRoles = new Set(t.roles.filter((r) => r.accessScope === "workspace").map((r) => r.id));
      assert.ok(t.workspaceMemberships.every((m) => users.has(m.lsUserId) && wss.has(m.workspaceId) && wsRoles.has(m.roleId)));
      assert.deepEqual(JSON.parse(JSON.stringify(t)), t, "ground truth is plain JSON");
    });
  });

  it("serves roles with access_scope and CUSTOM names; role_name style is configurable", async () => {
    await withSim({ users: 20, seed: 4, roleNameStyle: "display_name" }, async (sim) => {
      const roles = await call<Array<{ name: string; display_name: string; access_scope: string; organization_id: string | null }>>(sim, "/api/v1/orgs/current/roles");
      assert.equal(roles.status, 200);
      assert.ok(roles.body.filter((r) => r.name !== "CUSTOM").every((r) => r.organization_id === null));
      assert.ok(roles.body.filter((r) => r.name === "CUSTOM").every((r) => r.organization_id === sim.orgId));
      const rows = await call<Array<{ role_name: string; org_role_name: string }>>(sim, "/api/v1/orgs/current/members/active?limit=500");
      const names = new Set(rows.body.map((r) => r.role_name));
      assert.ok(names.has("Organization Admin"));
      assert.ok(![...names].some((n) => n.startsWith("ORGANIZATION_")));
    });
  });

  // How fast is measured by the benchmarks, not asserted here (a busy machine would fail a good build).
  it("builds the large preset (50k users / 1000 workspaces) and serves deep pages", async (ctx) => {
    const t0 = performance.now();
    await withSim({ users: 50_000, workspaces: 1000, seed: 7 }, async (sim) => {
      ctx.diagnostic(`built in ${Math.round(performance.now() - t0)} ms`);
      const t = sim.truth();
      assert.equal(t.counts.users, 50_000);
      assert.equal(t.workspaces.length, 1000);
      assert.ok(t.counts.workspaceMemberships >= 200_000, `memberships: ${t.counts.workspaceMemberships}`);
      assert.ok(t.counts.disabledUsers > 0 && t.pendingInvites > 0 && t.counts.orgAdmins > 0);
      assert.ok(t.excludedWorkspaces.personal >= 1 && t.excludedWorkspaces.deleted >= 1);

      const big = sim.state.workspaces().filter((w) => !w.isDeleted && !w.isPersonal).sort((a, b) => b.memberCount - a.memberCount)[0]!;
      assert.ok(big.memberCount > 1000);
      const deep = await call<unknown[]>(sim, `/api/v1/workspaces/current/members/active?limit=500&offset=${big.memberCount - 300}`, { tenant: big.id });
      const plat = await call<unknown[]>(sim, "/api/v1/platform/orgs/current/members?limit=500&offset=50500");
      const orgPage = await call<unknown[]>(sim, "/api/v1/orgs/current/members/active?limit=500&offset=49600");
      assert.equal(deep.body.length, 300);
      assert.equal(plat.body.length, 50_000 + t.pendingInvites - 50_500);
      assert.equal(orgPage.body.length, 400);
    });
  });
});

describe("simulator: non-API paths and routing", () => {
  it("answers HTML for anything outside /api/v1 and /v1/platform, JSON 404 for unknown API routes", async () => {
    await withSim({ users: 5, seed: 2 }, async (sim) => {
      for (const p of ["/", "/settings", "/api/orgs/current", "/api/v2/workspaces", "/o/123/projects"]) {
        const res = await fetch(sim.url + p);
        assert.equal(res.status, 200, p);
        assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
        assert.match(await res.text(), /<!doctype html>/i);
      }
      const missing = await call(sim, "/api/v1/nope");
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.body, { detail: "Not Found" });
      const slash = await call(sim, "/api/v1/orgs/current/roles/");
      assert.equal(slash.status, 307);
      assert.equal(slash.headers.get("location"), "/api/v1/orgs/current/roles");
      // a doubled prefix (a common base-URL mistake) is not an API route
      const doubled = await call(sim, "/api/v1/api/v1/orgs/current");
      assert.equal(doubled.status, 404);
    });
  });
});

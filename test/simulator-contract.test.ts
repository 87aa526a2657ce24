/**
 * The simulator against LangSmith's published OpenAPI document: every endpoint the
 * connector uses, success bodies and the error bodies the document declares, and
 * every request this test sends.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startSimulator, type Simulator } from "../src/simulator/index.js";
import { declaredStatuses, openApiSkipReason, resolveOperation, validateRequest, validateResponse } from "./support/openapi-contract.js";
import { call, type CallOptions } from "./support/sim-http.js";

interface Case {
  name: string;
  method?: string;
  path: string;
  opts?: CallOptions;
  status: number;
  /** The request is deliberately invalid: its validation errors must match this. */
  invalidRequest?: RegExp;
  /** The document declares no body for this status (validated as such). */
  undeclared?: boolean;
}

describe("simulator ↔ OpenAPI contract", { skip: openApiSkipReason }, () => {
  let sim: Simulator;
  let ws: string;
  const checked = new Set<string>();

  before(async () => {
    sim = await startSimulator({ users: 60, workspaces: 4, seed: 17 });
    ws = sim.truth().workspaces[0]!.id;
  });
  after(() => sim.close());

  /** Sends a request, validates it and its response against the document. */
  async function check(c: Case): Promise<unknown> {
    const method = c.method ?? "GET";
    const url = new URL(c.path, "http://x");
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
    const reqErrors = validateRequest(method, url.pathname, query, c.opts?.body);
    if (c.invalidRequest) {
      assert.ok(reqErrors.length > 0 && reqErrors.every((e) => c.invalidRequest!.test(e)), `${c.name}: request errors ${reqErrors.join("; ")}`);
    } else assert.deepEqual(reqErrors, [], `${c.name}: request`);
    const r = await call(sim, c.path, { ...c.opts, method });
    assert.equal(r.status, c.status, `${c.name}: status (${r.text.slice(0, 200)})`);
    const resErrors = validateResponse(method, url.pathname, r.status, r.body);
    if (c.undeclared) assert.match(resErrors.join("\n"), /status not declared/, `${c.name}: response`);
    else assert.deepEqual(resErrors, [], `${c.name}: response`);
    checked.add(`${method} ${resolveOperation(method, url.pathname)!.template}`);
    return r.body;
  }

  it("org endpoints", async () => {
    await check({ name: "org", path: "/api/v1/orgs/current", status: 200 });
    await check({ name: "org info", path: "/api/v1/orgs/current/info", status: 200 });
    await check({ name: "roles", path: "/api/v1/orgs/current/roles", status: 200 });
    await check({ name: "service keys", path: "/api/v1/orgs/current/service-keys", status: 200 });
    const pats = await check({ name: "PATs", path: "/api/v1/orgs/current/personal-access-tokens", opts: { key: sim.keys.pat }, status: 200 });
    assert.equal((pats as unknown[]).length, 1);
  });

  it("service keys: create (org-wide and workspace-scoped), delete, 404; service accounts", async () => {
    const wsRole = sim.state.role("WORKSPACE_VIEWER").id;
    const orgRole = sim.state.role("ORGANIZATION_VIEWER").id;
    const scoped = (await check({
      name: "create scoped key", method: "POST", path: "/api/v1/orgs/current/service-keys",
      opts: { body: { description: "contract scoped", expires_at: "2031-01-01T00:00:00Z", workspaces: [ws], role_id: wsRole } }, status: 200,
    })) as { id: string; key: string; access_scope: string };
    assert.match(scoped.key, /^lsv2_sk_/);
    const orgWide = (await check({
      name: "create org-wide key", method: "POST", path: "/api/v1/orgs/current/service-keys",
      opts: { body: { description: "contract org-wide", org_role_id: orgRole } }, status: 200,
    })) as { id: string };
    await check({ name: "create 422", method: "POST", path: "/api/v1/orgs/current/service-keys", opts: { body: { workspaces: ["nope"] } }, status: 422, invalidRequest: /uuid|must be null|anyOf/ });
    for (const k of [scoped, orgWide]) await check({ name: "delete key", method: "DELETE", path: `/api/v1/orgs/current/service-keys/${k.id}`, status: 200 });
    // Already gone: 404, a status the document does not declare.
    await check({ name: "delete gone key", method: "DELETE", path: `/api/v1/orgs/current/service-keys/${scoped.id}`, status: 404, undeclared: true });
    await check({ name: "service accounts", path: "/api/v1/service-accounts", status: 200 });
  });

  it("workspace list", async () => {
    await check({ name: "workspaces", path: "/api/v1/workspaces", status: 200 });
    const all = await check({ name: "workspaces incl. deleted", path: "/api/v1/workspaces?include_deleted=true", status: 200 });
    assert.ok((all as Array<{ is_deleted: boolean }>).some((w) => w.is_deleted));
    await check({ name: "workspaces 422", path: "/api/v1/workspaces?include_deleted=perhaps", status: 422, invalidRequest: /must be boolean/ });
  });

  it("org member lists", async () => {
    const env = await check({ name: "org members envelope", path: "/api/v1/orgs/current/members", status: 200 });
    assert.ok((env as { pending: unknown[] }).pending.length > 0, "envelope has pending rows to validate");
    await check({ name: "org active", path: "/api/v1/orgs/current/members/active?limit=500&offset=0", status: 200 });
    await check({ name: "org active filtered", path: "/api/v1/orgs/current/members/active?limit=10&is_disabled=true&sort_by=email&sort_by_desc=false", status: 200 });
    await check({ name: "org pending", path: "/api/v1/orgs/current/members/pending?limit=100&offset=0", status: 200 });
    await check({ name: "org active 422", path: "/api/v1/orgs/current/members/active?limit=501", status: 422, invalidRequest: /<= 500/ });
    await check({ name: "org pending 422", path: "/api/v1/orgs/current/members/pending?limit=0", status: 422, invalidRequest: />= 1/ });
  });

  it("workspace member lists", async () => {
    const tenant = { tenant: ws };
    const env = await check({ name: "ws envelope", path: "/api/v1/workspaces/current/members", opts: tenant, status: 200 });
    assert.ok((env as { members: unknown[] }).members.length > 0);
    await check({ name: "ws active", path: "/api/v1/workspaces/current/members/active?limit=500&offset=0", opts: tenant, status: 200 });
    const pend = await check({ name: "ws pending", path: "/api/v1/workspaces/current/members/pending?limit=500", opts: tenant, status: 200 });
    assert.ok((pend as unknown[]).length > 0, "first workspace has a pending invite");
    await check({ name: "ws active 422", path: "/api/v1/workspaces/current/members/active?limit=501", opts: tenant, status: 422, invalidRequest: /<= 500/ });
    await check({ name: "ws pending 422", path: "/api/v1/workspaces/current/members/pending?offset=-3", opts: tenant, status: 422, invalidRequest: />= 0/ });
  });

  it("workspace member mutations", async () => {
    const inWs = new Set(sim.state.workspaceMembers(ws).map((m) => m.lsUserId));
    const outsider = sim.state.orgMembers().find((m) => !inWs.has(m.lsUserId))!;
    const editor = sim.state.role("WORKSPACE_USER").id;
    const admin = sim.state.role("WORKSPACE_ADMIN").id;
    const created = (await check({
      name: "add member", method: "POST", path: "/api/v1/workspaces/current/members",
      opts: { tenant: ws, body: { org_identity_id: outsider.orgIdentityId, role_id: editor } }, status: 200,
    })) as { id: string };
    // A valid IdentityCreate that names nobody: 400, a status the document does not declare.
    await check({
      name: "add member without identity", method: "POST", path: "/api/v1/workspaces/current/members",
      opts: { tenant: ws, body: { ls_user_id: null, role_id: editor, read_only: false } }, status: 400, undeclared: true,
    });
    await check({
      name: "patch role", method: "PATCH", path: `/api/v1/workspaces/current/members/${created.id}`,
      opts: { tenant: ws, body: { role_id: admin } }, status: 200,
    });
    await check({ name: "delete", method: "DELETE", path: `/api/v1/workspaces/current/members/${created.id}`, opts: { tenant: ws }, status: 200 });
    await check({ name: "delete 422", method: "DELETE", path: "/api/v1/workspaces/current/members/xyz", opts: { tenant: ws }, status: 422, invalidRequest: /format "uuid"/ });
    // A PATCH without role_id is a request the document forbids; the server answers 422 as declared.
    const r = await call(sim, `/api/v1/workspaces/current/members/${sim.state.workspaceMembers(ws)[0]!.workspaceIdentityId}`, { method: "PATCH", tenant: ws, body: {} });
    assert.equal(r.status, 422);
    assert.deepEqual(validateResponse("PATCH", "/api/v1/workspaces/current/members/{identity_id}", 422, r.body), []);
    assert.notDeepEqual(validateRequest("PATCH", "/api/v1/workspaces/current/members/{identity_id}", {}, {}), []);
    const post422 = await call(sim, "/api/v1/workspaces/current/members", { method: "POST", tenant: ws, body: { org_identity_id: "nope" } });
    assert.equal(post422.status, 422);
    assert.deepEqual(validateResponse("POST", "/api/v1/workspaces/current/members", 422, post422.body), []);
  });

  it("invitations and member removal", async () => {
    const userRole = sim.state.role("ORGANIZATION_USER").id;
    const viewerRole = sim.state.role("ORGANIZATION_VIEWER").id;
    const wsRole = sim.state.role("WORKSPACE_USER").id;
    const one = (await check({
      name: "invite one", method: "POST", path: "/api/v1/orgs/current/members",
      opts: { body: { email: "contract.one@example.com", role_id: userRole, workspace_ids: [ws], workspace_role_id: wsRole } }, status: 200,
    })) as { id: string; workspace_ids: string[] };
    assert.deepEqual(one.workspace_ids, [ws]);
    const batch = (await check({
      name: "invite batch", method: "POST", path: "/api/v1/orgs/current/members/batch",
      opts: { body: [{ email: "contract.two@example.com", role_id: viewerRole }, { email: "contract.three@example.com" }] }, status: 200,
    })) as Array<{ id: string }>;
    assert.equal(batch.length, 2);
    await check({ name: "invite 422", method: "POST", path: "/api/v1/orgs/current/members", opts: { body: { role_id: userRole } }, status: 422, invalidRequest: /email/ });
    // A second invite of the same person: 409, a status the document does not declare.
    await check({ name: "invite again", method: "POST", path: "/api/v1/orgs/current/members", opts: { body: { email: "contract.one@example.com" } }, status: 409, undeclared: true });
    await check({ name: "cancel invite", method: "DELETE", path: `/api/v1/orgs/current/members/${batch[0]!.id}/pending`, status: 200 });
    await check({ name: "cancel invite 404", method: "DELETE", path: `/api/v1/orgs/current/members/${batch[0]!.id}/pending`, status: 404, undeclared: true });
    const wsPending = sim.state.workspaceInvites(ws).find((p) => p.orgInviteId === one.id)!;
    await check({ name: "cancel workspace invite", method: "DELETE", path: `/api/v1/workspaces/current/members/${wsPending.id}/pending`, opts: { tenant: ws }, status: 200 });
    assert.deepEqual(sim.state.pendingInvites().find((p) => p.id === one.id)!.workspaceIds, []);

    const members = sim.state.orgMembers().filter((m) => !m.disabled && m.orgRoleId === userRole);
    await check({ name: "change org role", method: "PATCH", path: `/api/v1/orgs/current/members/${members[0]!.orgIdentityId}`, opts: { body: { role_id: viewerRole } }, status: 200 });
    assert.equal(sim.state.orgMembers().find((m) => m.lsUserId === members[0]!.lsUserId)!.orgRoleId, viewerRole);
    await check({ name: "remove member", method: "DELETE", path: `/api/v1/orgs/current/members/${members[1]!.orgIdentityId}`, status: 200 });
    assert.ok(!sim.state.orgMembers().some((m) => m.lsUserId === members[1]!.lsUserId));
    await check({ name: "remove member 422", method: "DELETE", path: "/api/v1/orgs/current/members/nope", status: 422, invalidRequest: /format "uuid"/ });

    // Not in this edition of the document (it is in a newer one): change a pending invite's org role.
    assert.equal(resolveOperation("PATCH", "/api/v1/orgs/current/members/{identity_id}/pending"), null);
    const r = await call(sim, `/api/v1/orgs/current/members/${one.id}/pending`, { method: "PATCH", body: { role_id: viewerRole } });
    assert.equal(r.status, 200);
    assert.equal(sim.state.pendingInvites().find((p) => p.id === one.id)!.orgRoleId, viewerRole);
  });

  it("platform member list (both prefixes) and its Go error bodies", async () => {
    for (const prefix of ["/v1/platform", "/api/v1/platform"]) {
      await check({ name: `platform ${prefix}`, path: `${prefix}/orgs/current/members?limit=500&offset=0`, status: 200 });
      await check({ name: `platform pending ${prefix}`, path: `${prefix}/orgs/current/members?pending_is=true&email_like=invitee*`, status: 200 });
      await check({ name: `platform 400 ${prefix}`, path: `${prefix}/orgs/current/members?limit=501`, status: 400 });
      await check({ name: `platform 401 ${prefix}`, path: `${prefix}/orgs/current/members`, opts: { key: "lsv2_sk_" + "a".repeat(32) + "_" + "b".repeat(10) }, status: 401 });
    }
    assert.deepEqual(declaredStatuses("GET", "/api/v1/platform/orgs/current/members").sort(), ["200", "400", "401", "500"]);
  });

  it("covered every endpoint the connector uses", () => {
    const expected = [
      "GET /api/v1/orgs/current",
      "GET /api/v1/orgs/current/info",
      "GET /api/v1/orgs/current/roles",
      "GET /api/v1/workspaces",
      "GET /api/v1/orgs/current/members",
      "GET /api/v1/orgs/current/members/active",
      "GET /api/v1/orgs/current/members/pending",
      "GET /api/v1/workspaces/current/members",
      "GET /api/v1/workspaces/current/members/active",
      "GET /api/v1/workspaces/current/members/pending",
      "GET /api/v1/orgs/current/service-keys",
      "GET /api/v1/orgs/current/personal-access-tokens",
      "POST /api/v1/orgs/current/service-keys",
      "DELETE /api/v1/orgs/current/service-keys/{api_key_id}",
      "GET /api/v1/service-accounts",
      "POST /api/v1/workspaces/current/members",
      "PATCH /api/v1/workspaces/current/members/{identity_id}",
      "DELETE /api/v1/workspaces/current/members/{identity_id}",
      "DELETE /api/v1/workspaces/current/members/{identity_id}/pending",
      "POST /api/v1/orgs/current/members",
      "POST /api/v1/orgs/current/members/batch",
      "PATCH /api/v1/orgs/current/members/{identity_id}",
      "DELETE /api/v1/orgs/current/members/{identity_id}",
      "DELETE /api/v1/orgs/current/members/{identity_id}/pending",
      "GET /v1/platform/orgs/current/members",
    ];
    assert.deepEqual([...checked].filter((x) => !expected.includes(x)), []);
    assert.deepEqual(expected.filter((x) => !checked.has(x)), []);
  });
});

describe("OpenAPI contract helper", { skip: openApiSkipReason }, () => {
  it("reports wrong response bodies", () => {
    assert.deepEqual(validateResponse("GET", "/api/v1/orgs/current/roles", 200, []), []);
    const missing = validateResponse("GET", "/api/v1/orgs/current/roles", 200, [{ id: "5d96cf7f-265b-4da9-8f0c-26ef4243ed52", name: "X" }]);
    assert.ok(missing.some((e) => /display_name/.test(e)), missing.join("\n"));
    const badUuid = validateResponse("GET", "/api/v1/workspaces/current/members/active", 200, [{ id: "nope" }]);
    assert.ok(badUuid.some((e) => /format "uuid"/.test(e)));
    assert.ok(validateResponse("GET", "/api/v1/orgs/current", 418, {})[0]!.includes("status not declared"));
    assert.ok(validateResponse("GET", "/api/v1/not/a/route", 200, {})[0]!.includes("no such operation"));
    // envelopes vs bare arrays
    assert.notDeepEqual(validateResponse("GET", "/api/v1/orgs/current/members", 200, []), []);
    assert.notDeepEqual(validateResponse("GET", "/api/v1/orgs/current/members/active", 200, { members: [] }), []);
  });

  it("reports wrong requests: unknown or unparsable query parameters, bad path params, bad bodies", () => {
    assert.deepEqual(validateRequest("GET", "/api/v1/orgs/current/members/active", { limit: ["500"], offset: ["1000"], emails: ["a@b.c", "d@e.f"] }), []);
    assert.match(validateRequest("GET", "/api/v1/orgs/current/members/active", { page: ["2"] })[0]!, /unknown query parameter "page"/);
    assert.ok(validateRequest("GET", "/api/v1/orgs/current/members/active", { limit: ["501"] }).some((e) => /<= 500/.test(e)));
    assert.ok(validateRequest("GET", "/api/v1/orgs/current/members/active", { limit: ["fifty"] }).some((e) => /integer/.test(e)));
    assert.ok(validateRequest("GET", "/api/v1/orgs/current/members/active", { limit: ["1", "2"] }).some((e) => /given 2 times/.test(e)));
    assert.ok(validateRequest("GET", "/api/v1/platform/orgs/current/members", { active_is: ["yes"] }).length > 0);
    assert.deepEqual(validateRequest("GET", "/api/v1/platform/orgs/current/members", { active_is: ["true"], limit: ["500"] }), []);
    assert.ok(validateRequest("DELETE", "/api/v1/workspaces/current/members/123", {}).some((e) => /uuid/.test(e)));
    assert.ok(validateRequest("POST", "/api/v1/workspaces/current/members", {}, { org_identity_id: 5 }).length > 0);
    assert.ok(validateRequest("POST", "/api/v1/workspaces/current/members", {}).some((e) => /body required/.test(e)));
    assert.ok(validateRequest("GET", "/api/v1/orgs/current/roles", {}, { x: 1 }).some((e) => /no request body/.test(e)));
    // template paths and concrete paths resolve to the same operation
    assert.equal(resolveOperation("PATCH", "/api/v1/workspaces/current/members/5d96cf7f-265b-4da9-8f0c-26ef4243ed52")!.template, "/api/v1/workspaces/current/members/{identity_id}");
    assert.equal(resolveOperation("GET", "/api/v1/workspaces/current/members?limit=5")!.template, "/api/v1/workspaces/current/members");
  });
});

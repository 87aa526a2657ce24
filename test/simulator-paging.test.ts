import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startSimulator, type Simulator } from "../src/simulator/index.js";
import { call, walk } from "./support/sim-http.js";

interface Row {
  id: string;
  created_at: string;
  ls_user_id: string;
  email: string;
  is_disabled: boolean;
}

function assertNewestFirst(rows: Row[]): void {
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1]!;
    const b = rows[i]!;
    assert.ok(a.created_at > b.created_at || (a.created_at === b.created_at && a.id < b.id), `order at ${i}: ${a.created_at}/${a.id} then ${b.created_at}/${b.id}`);
  }
}

describe("simulator: paging of member lists", () => {
  let sim: Simulator;
  let bigWs: string;

  before(async () => {
    sim = await startSimulator({ users: 1300, workspaces: 3, seed: 5 });
    bigWs = sim.state.workspaces().filter((w) => !w.isPersonal && !w.isDeleted).sort((a, b) => b.memberCount - a.memberCount)[0]!.id;
  });
  after(() => sim.close());

  it("rejects limit > 500 with the FastAPI 422 body", async () => {
    const r = await call(sim, "/api/v1/orgs/current/members/active?limit=501");
    assert.equal(r.status, 422);
    assert.deepEqual(r.body, {
      detail: [{ type: "less_than_equal", loc: ["query", "limit"], msg: "Input should be less than or equal to 500", input: "501", ctx: { le: 500 } }],
    });
    const ws = await call(sim, "/api/v1/workspaces/current/members/active?limit=1000", { tenant: bigWs });
    assert.equal(ws.status, 422);
  });

  it("rejects limit < 1, negative offsets, non-integers, bad enums and bad UUIDs with 422", async () => {
    const cases: Array<[string, string]> = [
      ["limit=0", "greater_than_equal"],
      ["offset=-1", "greater_than_equal"],
      ["limit=abc", "int_parsing"],
      ["sort_by=age", "enum"],
      ["ls_user_ids=nope", "uuid_parsing"],
      ["is_disabled=maybe", "bool_parsing"],
    ];
    for (const [qs, type] of cases) {
      const r = await call<{ detail: Array<{ type: string; loc: unknown[] }> }>(sim, `/api/v1/orgs/current/members/active?${qs}`);
      assert.equal(r.status, 422, qs);
      assert.equal(r.body.detail[0]!.type, type, qs);
      assert.equal(r.body.detail[0]!.loc[0], "query");
    }
    const pending = await call(sim, "/api/v1/workspaces/current/members/pending?limit=501", { tenant: bigWs });
    assert.equal(pending.status, 422);
  });

  it("defaults to 50 rows and sends X-Pagination-Total", async () => {
    const r = await call<Row[]>(sim, "/api/v1/orgs/current/members/active");
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 50);
    assert.equal(r.headers.get("x-pagination-total"), "1300");
  });

  it("walks past 500 org members: every member exactly once, newest first", async () => {
    const { rows, requests } = await walk<Row>(sim, "/api/v1/orgs/current/members/active", 500);
    assert.equal(requests, 3);
    const truth = sim.truth();
    assert.equal(rows.length, truth.users.length);
    assert.equal(new Set(rows.map((r) => r.id)).size, rows.length);
    assert.deepEqual(new Set(rows.map((r) => r.ls_user_id)), new Set(truth.users.map((u) => u.lsUserId)));
    assertNewestFirst(rows);
    // seeded ties on created_at exist and are broken by id
    assert.ok(rows.some((r, i) => i > 0 && rows[i - 1]!.created_at === r.created_at), "expected tied created_at values");
  });

  it("walks past 500 workspace members with small pages too", async () => {
    const expected = sim.state.workspaceMembers(bigWs);
    assert.ok(expected.length > 500, `biggest workspace has ${expected.length} members`);
    const { rows } = await walk<Row>(sim, "/api/v1/workspaces/current/members/active", 137, { tenant: bigWs });
    assert.equal(rows.length, expected.length);
    assert.deepEqual(rows.map((r) => r.id), expected.map((m) => m.workspaceIdentityId));
    assertNewestFirst(rows);
  });

  it("supports ascending order and the emails / is_disabled filters", async () => {
    const asc = await call<Row[]>(sim, "/api/v1/orgs/current/members/active?limit=5&sort_by_desc=false");
    const desc = await walk<Row>(sim, "/api/v1/orgs/current/members/active", 500);
    assert.deepEqual(asc.body.map((r) => r.id), desc.rows.slice(-5).reverse().map((r) => r.id));
    const someone = desc.rows[17]!;
    const byEmail = await call<Row[]>(sim, `/api/v1/orgs/current/members/active?emails=${encodeURIComponent(someone.email.toUpperCase())}`);
    assert.deepEqual(byEmail.body.map((r) => r.id), [someone.id]);
    const disabled = await call<Row[]>(sim, "/api/v1/orgs/current/members/active?is_disabled=true&limit=500");
    assert.equal(disabled.body.length, sim.truth().counts.disabledUsers);
    assert.ok(disabled.body.length > 0 && disabled.body.every((r) => r.is_disabled));
    assert.equal(disabled.headers.get("x-pagination-total"), String(disabled.body.length));
  });

  it("pages pending invites", async () => {
    const { rows } = await walk<Row>(sim, "/api/v1/orgs/current/members/pending", 7);
    assert.equal(rows.length, sim.truth().pendingInvites);
    assert.equal(new Set(rows.map((r) => r.id)).size, rows.length);
  });

  it("returns an empty page past the end", async () => {
    const r = await call<Row[]>(sim, "/api/v1/orgs/current/members/active?limit=500&offset=5000");
    assert.deepEqual(r.body, []);
  });

  it("validates UUID path parameters with 422 and answers 404 for unknown identities", async () => {
    const bad = await call<{ detail: Array<{ type: string; loc: unknown[] }> }>(sim, "/api/v1/workspaces/current/members/not-a-uuid", { tenant: bigWs, method: "DELETE" });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.detail[0]!.loc, ["path", "identity_id"]);
    const unknown = await call(sim, "/api/v1/workspaces/current/members/22222222-2222-4222-8222-222222222222", { tenant: bigWs, method: "DELETE" });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { detail: "Workspace member not found" });
  });
});

describe("simulator: misbehaving pagination (repeatPages)", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ users: 120, workspaces: 2, seed: 3, pagination: { repeatPages: true } });
  });
  after(() => sim.close());

  it("ignores offset and serves the first page again", async () => {
    const a = await call<Row[]>(sim, "/api/v1/orgs/current/members/active?limit=50&offset=0");
    const b = await call<Row[]>(sim, "/api/v1/orgs/current/members/active?limit=50&offset=50");
    assert.equal(a.body.length, 50);
    assert.deepEqual(b.body.map((r) => r.id), a.body.map((r) => r.id));
    const p1 = await call<Row[]>(sim, "/api/v1/platform/orgs/current/members?limit=10&offset=0");
    const p2 = await call<Row[]>(sim, "/api/v1/platform/orgs/current/members?limit=10&offset=10");
    assert.deepEqual(p2.body.map((r) => r.id), p1.body.map((r) => r.id));
  });
});

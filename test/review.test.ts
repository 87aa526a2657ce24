// Implicit access (Organization Admin → Admin everywhere), the CSV/JSON report and the diff, through the
// real CLI against the simulator, checked against the simulator's ground truth.
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { C1zReader } from "../src/baton/c1z/reader.js";
import type { DiffResult } from "../src/review/diff.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { runCli, tmpDir } from "./support/cli.js";

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\r") continue;
    else if (c === "\n") row.push(cell), rows.push(row), (row = []), (cell = "");
    else cell += c;
  }
  return rows;
}

describe("effective access, report and diff", () => {
  let sim: Simulator;
  const dir = tmpDir();
  const before1 = join(dir, "before.c1z");
  const after1 = join(dir, "after.c1z");
  const sync = async (file: string) => {
    const r = await runCli(["--base-url", sim.url, "--file", file, "--log-format", "json"], { env: { BATON_API_KEY: sim.keys.admin, BATON_ORGANIZATION_ID: sim.orgId } });
    assert.equal(r.code, 0, r.stderr);
  };
  const roleName = (id: string) => sim.truth().roles.find((r) => r.id === id)!.displayName;

  before(async () => {
    sim = await startSimulator({ users: 40, workspaces: 5, seed: 11 });
    await sync(before1);
  });
  after(async () => sim?.close());

  it("every Organization Admin is effectively Admin of every workspace; nobody else gains anything (baton access view)", async () => {
    const truth = sim.truth();
    const orgAdmin = truth.roles.find((r) => r.name === "ORGANIZATION_ADMIN")!;
    const wsAdmin = truth.roles.find((r) => r.name === "WORKSPACE_ADMIN")!;
    const admins = truth.users.filter((u) => u.orgRoleId === orgAdmin.id);
    assert.ok(admins.length >= 2 && admins.length < truth.users.length);
    const reader = await C1zReader.open(before1);
    try {
      for (const u of truth.users) {
        // `baton access -t user -r <id>`: every grant whose principal is this user.
        const held = new Map<string, { role: string; sources: string[] }[]>();
        for (const g of reader.grants({ principal: { resourceType: "user", resource: u.lsUserId } as never })) {
          const rid = g.entitlement!.resource!.id!;
          if (rid.resourceType !== "workspace_role") continue;
          const [ws, role] = rid.resource.split(":");
          held.set(ws!, [...(held.get(ws!) ?? []), { role: role!, sources: Object.keys(g.sources?.sources ?? {}) }]);
        }
        const direct = truth.workspaceMemberships.filter((m) => m.lsUserId === u.lsUserId);
        if (u.orgRoleId === orgAdmin.id) {
          for (const w of truth.workspaces) {
            const admin = held.get(w.id)?.find((h) => h.role === wsAdmin.id);
            assert.ok(admin, `${u.email} is Admin of ${w.displayName}`);
            assert.ok(admin.sources.includes(`org_role:${orgAdmin.id}:assigned`), "through the Org Admin entitlement");
            const isDirectAdmin = direct.some((m) => m.workspaceId === w.id && m.roleId === wsAdmin.id);
            assert.equal(admin.sources.includes(`workspace_role:${w.id}:${wsAdmin.id}:assigned`), isDirectAdmin, "a direct Admin grant stays marked direct");
          }
        } else {
          const got = [...held.entries()].flatMap(([ws, list]) => list.map((h) => `${ws}:${h.role}:${h.sources.length}`)).sort();
          assert.deepEqual(got, direct.map((m) => `${m.workspaceId}:${m.roleId}:0`).sort(), `${u.email}: exactly their memberships, no sources`);
        }
      }
      // The rule itself: one grant per workspace, held by the Org Admin role, expandable (column) and expanded.
      const rules = [...reader.rawRows("v1_grants")].filter((r) => r.principal_resource_type_id === "org_role");
      assert.equal(rules.length, truth.workspaces.length);
      for (const r of rules) {
        assert.ok(r.expansion instanceof Uint8Array && (r.expansion as Uint8Array).length > 0);
        assert.equal(r.needs_expansion, 0);
      }
    } finally {
      reader.close();
    }
  });

  it("provisioning refuses implicit grants, saying why, and changes nothing", async () => {
    const truth = sim.truth();
    const orgAdmin = truth.roles.find((r) => r.name === "ORGANIZATION_ADMIN")!;
    const wsAdmin = truth.roles.find((r) => r.name === "WORKSPACE_ADMIN")!;
    const ws = truth.workspaces[0]!;
    const implicitOnly = truth.users.find(
      (u) => u.orgRoleId === orgAdmin.id && !truth.workspaceMemberships.some((m) => m.lsUserId === u.lsUserId && m.workspaceId === ws.id),
    );
    const env = { BATON_API_KEY: sim.keys.admin, BATON_ORGANIZATION_ID: sim.orgId };
    const base = ["--base-url", sim.url, "--file", before1, "-p"];
    sim.resetLog();
    const rule = await runCli([...base, "--revoke-grant", `workspace_role:${ws.id}:${wsAdmin.id}:assigned:org_role:${orgAdmin.id}`], { env });
    assert.notEqual(rule.code, 0);
    assert.match(rule.stderr, /implicit: every Organization Admin is Admin in every workspace/);
    if (implicitOnly) {
      const r = await runCli([...base, "--revoke-grant", `workspace_role:${ws.id}:${wsAdmin.id}:assigned:user:${implicitOnly.lsUserId}`], { env });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /only implicitly, as an Organization Admin/);
    }
    assert.deepEqual(sim.requests.filter((q) => q.method !== "GET"), [], "no write reached LangSmith");
  });

  it("CSV and JSON reports match the ground truth; files are private", async () => {
    const truth = sim.truth();
    const orgAdmin = truth.roles.find((r) => r.name === "ORGANIZATION_ADMIN")!;
    const wsAdmin = truth.roles.find((r) => r.name === "WORKSPACE_ADMIN")!;
    const csvFile = join(dir, "report.csv");
    const r = await runCli(["report", before1, "--format", "csv", "-o", csvFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(csvFile).mode & 0o777, 0o600);
    const [head, ...rows] = parseCsv(readFileSync(csvFile, "utf8"));
    assert.deepEqual(head, ["person_id", "name", "email", "status", "org_roles", "workspace_id", "workspace", "role", "access", "via"]);
    const got = new Set(rows.filter((x) => x[5]).map((x) => `${x[0]}|${x[5]}|${x[7]}|${x[8]}`));
    const expected = new Set<string>();
    for (const m of truth.workspaceMemberships) {
      const isAdmin = truth.users.find((u) => u.lsUserId === m.lsUserId)!.orgRoleId === orgAdmin.id;
      expected.add(`${m.lsUserId}|${m.workspaceId}|${roleName(m.roleId)}|${isAdmin && m.roleId === wsAdmin.id ? "both" : "explicit"}`);
    }
    for (const u of truth.users.filter((x) => x.orgRoleId === orgAdmin.id)) {
      for (const w of truth.workspaces) {
        if (!truth.workspaceMemberships.some((m) => m.lsUserId === u.lsUserId && m.workspaceId === w.id && m.roleId === wsAdmin.id)) {
          expected.add(`${u.lsUserId}|${w.id}|${wsAdmin.displayName}|implicit`);
        }
      }
    }
    assert.deepEqual([...got].sort(), [...expected].sort());
    const people = new Map(rows.map((x) => [x[0], x]));
    assert.equal(people.size, truth.users.length);
    for (const u of truth.users) {
      const row = people.get(u.lsUserId)!;
      assert.equal(row[2], u.email);
      assert.equal(row[3], u.disabled ? "disabled" : "active");
      assert.equal(row[4], roleName(u.orgRoleId));
    }

    const j = await runCli(["report", before1, "--format", "json", "-o", "-"]);
    assert.equal(j.code, 0, j.stderr);
    const doc = JSON.parse(j.stdout);
    assert.equal(doc.people.length, truth.users.length);
    assert.equal(doc.workspaces.length, truth.workspaces.length);
    const jsonAccess = new Set<string>();
    for (const p of doc.people) for (const a of p.access) jsonAccess.add(`${p.id}|${a.workspaceId}|${a.role}|${a.access}`);
    assert.deepEqual([...jsonAccess].sort(), [...expected].sort());
    assert.equal(doc.summary.disabled, truth.users.filter((u) => u.disabled).length);
  });

  it("diff: grants, revokes, a role change, a member removal and an org-role change", async () => {
    const none = await runCli(["diff", before1, before1]);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /^no changes$/m);

    const truth = sim.truth();
    const roles = truth.roles;
    const role = (n: string) => roles.find((r) => r.name === n)!;
    const orgAdmin = role("ORGANIZATION_ADMIN");
    const wsAdmin = role("WORKSPACE_ADMIN");
    const viewer = roles.find((r) => r.accessScope === "workspace" && r.name !== "WORKSPACE_ADMIN" && !r.custom)!;
    const [w0, w1] = truth.workspaces;
    const plain = truth.users.filter((u) => u.orgRoleId !== orgAdmin.id && !u.disabled);
    const memberOf = (u: { lsUserId: string }, w: { id: string }) => truth.workspaceMemberships.find((m) => m.lsUserId === u.lsUserId && m.workspaceId === w.id);
    // Someone outside w0 is granted Viewer there; someone in w1 is removed from it; someone in w0 with
    // another role becomes Admin; one person leaves the org; one becomes Organization Admin.
    const granted = plain.find((u) => !memberOf(u, w0!))!;
    const revoked = plain.find((u) => u !== granted && memberOf(u, w1!))!;
    const changed = plain.find((u) => u !== granted && u !== revoked && memberOf(u, w0!) && memberOf(u, w0!)!.roleId !== wsAdmin.id)!;
    const leaver = plain.find((u) => ![granted, revoked, changed].includes(u) && truth.workspaceMemberships.some((m) => m.lsUserId === u.lsUserId))!;
    const promoted = plain.find((u) => ![granted, revoked, changed, leaver].includes(u))!;
    const oldRevokedRole = memberOf(revoked, w1!)!.roleId;
    const oldChangedRole = memberOf(changed, w0!)!.roleId;
    const leaverGrants = truth.workspaceMemberships.filter((m) => m.lsUserId === leaver.lsUserId).length;
    sim.state.setWorkspaceRole(w0!.id, granted.lsUserId, viewer.id);
    sim.state.setWorkspaceRole(w1!.id, revoked.lsUserId, null);
    sim.state.setWorkspaceRole(w0!.id, changed.lsUserId, wsAdmin.id);
    sim.state.removeOrgMember(leaver.lsUserId);
    sim.state.setOrgRole(promoted.lsUserId, "ORGANIZATION_ADMIN");
    await sync(after1);

    const r = await runCli(["diff", before1, after1, "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as DiffResult;
    assert.equal(d.equal, false);
    const find = (id: string, pred: (c: DiffResult["changes"][number]) => boolean) => d.changes.filter((c) => c.person.id === id && pred(c));
    const exp = (u: { lsUserId: string }, change: string, scope: string, from?: string, to?: string) => {
      const hits = find(u.lsUserId, (c) => c.change === change && c.scope.id === scope && !c.implicit);
      assert.equal(hits.length, 1, `${change} for ${u.lsUserId} in ${scope}: ${JSON.stringify(d.changes.filter((c) => c.person.id === u.lsUserId))}`);
      assert.equal(hits[0]!.from, from);
      assert.equal(hits[0]!.to, to);
      return hits[0]!;
    };
    // A grant: role + member grant, one line.
    assert.equal(exp(granted, "added", w0!.id, undefined, viewer.displayName).grants.added.length, 2);
    assert.equal(exp(revoked, "removed", w1!.id, roleName(oldRevokedRole), undefined).grants.removed.length, 2);
    exp(changed, "changed", w0!.id, roleName(oldChangedRole), wsAdmin.displayName);
    exp(promoted, "changed", "", roleName(promoted.orgRoleId), orgAdmin.displayName);
    // The promoted person gains implicit Admin wherever they were not Admin already.
    const implicitGained = find(promoted.lsUserId, (c) => c.implicit && c.change === "added");
    const alreadyAdmin = truth.workspaces.filter((w) => memberOf(promoted, w)?.roleId === wsAdmin.id).length;
    assert.equal(implicitGained.length, truth.workspaces.length - alreadyAdmin);
    for (const c of implicitGained) assert.equal(c.via, orgAdmin.displayName);
    // The leaver: the person is gone, with every grant they held.
    assert.deepEqual(d.resources.removed.filter((x) => x.type === "user").map((x) => x.id), [leaver.lsUserId]);
    const leaverChanges = find(leaver.lsUserId, () => true);
    assert.equal(leaverChanges.filter((c) => c.scope.type === "workspace" && c.change === "removed").length, leaverGrants);
    assert.equal(leaverChanges.filter((c) => c.scope.type === "organization" && c.change === "removed").length, 1);
    assert.equal(d.summary.peopleRemoved, 1);
    assert.equal(d.summary.peopleAdded, 0);
    // Nobody else changed.
    const touched = new Set([granted, revoked, changed, leaver, promoted].map((u) => u.lsUserId));
    assert.deepEqual(d.changes.filter((c) => !touched.has(c.person.id)), []);

    const text = await runCli(["diff", before1, after1]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /By person/);
    assert.match(text.stdout, /By workspace/);
    assert.ok(text.stdout.includes(`${roleName(oldChangedRole)} → ${wsAdmin.displayName}`));
    assert.ok(text.stdout.includes(`${roleName(promoted.orgRoleId)} → ${orgAdmin.displayName}`));
  });

  it("bad input: one line, exit 2, nothing written", async () => {
    const missing = await runCli(["report", join(dir, "nope.c1z")]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr.trim().split("\n").length, 1, missing.stderr);
    assert.match(missing.stderr, /does not exist/);
    const fmt = await runCli(["report", before1, "--format", "pdf", "-o", join(dir, "x.pdf")]);
    assert.equal(fmt.code, 2);
    assert.match(fmt.stderr, /--format must be one of html, csv, json/);
    assert.throws(() => statSync(join(dir, "x.pdf")));
    const notC1z = await runCli(["diff", csvPath(dir), before1]);
    assert.equal(notC1z.code, 2, notC1z.stderr);
  });
});

function csvPath(dir: string): string {
  return join(dir, "report.csv");
}

describe("report of files other tools wrote", () => {
  const fixtures = join(import.meta.dirname, "../../shared/baton/fixtures");
  const skip = existsSync(fixtures) ? false : `no upstream fixtures at ${fixtures}`;
  it("lists every resource type of an upstream v1 file (old and current schema), generically", { skip }, async () => {
    for (const name of ["upstream-old-schema.c1z", "upstream-current-schema.c1z"]) {
      const file = join(fixtures, name);
      const r = await runCli(["report", file, "--format", "json", "-o", "-"]);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      const reader = await C1zReader.open(file);
      try {
        const types = [...reader.resourceTypes()].map((t) => t.id).filter((t) => !["user", "workspace", "org_role", "workspace_role"].includes(t));
        assert.deepEqual(Object.keys(doc.others).sort(), types.sort(), name);
        for (const t of types) assert.equal(doc.others[t].items.length, [...reader.resources({ resourceTypeId: t })].length, `${name}: ${t}`);
        assert.equal(doc.people.length, [...reader.resources({ resourceTypeId: "user" })].length);
      } finally {
        reader.close();
      }
    }
  });
});

describe("report and diff arguments", () => {
  it("a missing argument or an unknown flag is bad input: one line, exit 2", async () => {
    for (const args of [["diff", "only-one.c1z"], ["report"], ["report", "x.c1z", "--no-such-flag"]]) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
  });
});

// Grant expansion in the writer, on a generic graph (groups, not LangSmith): direct holders, chains,
// shallow edges, merging into a direct grant, principal-type filters, and a source that does not belong
// to the grant's principal (refused, nothing published).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { C1zWriter } from "../src/baton/c1z/writer.js";
import { type Grant, GrantExpandableSchema, GrantImmutableSchema, annotation, hasAnnotation, newEntitlement, newGrant, newResource, newResourceType, resourceId } from "../src/baton/model.js";
import { scratchDir } from "./support/c1z-helpers.js";

const user = (id: string) => newResource(resourceId("user", id), id);
const group = (id: string) => newResource(resourceId("group", id), id);
const types = [newResourceType("user", "User", []), newResourceType("group", "Group", []), newResourceType("service", "Service", [])];

function graph() {
  const [g1, g2, g3] = ["g1", "g2", "g3"].map(group);
  const [e1, e2, e3] = [g1!, g2!, g3!].map((g) => newEntitlement(g, "member", "assignment"));
  const grants: Grant[] = [
    newGrant(e1!, resourceId("user", "alice")),
    newGrant(e1!, resourceId("service", "bot")),
    newGrant(e2!, resourceId("user", "bob")),
    newGrant(e2!, resourceId("user", "alice")), // alice is also a direct member of g2
    // members of g1 are members of g2 (users only); members of g2 are members of g3 (shallow: direct ones only)
    newGrant(e2!, g1!.id!, { annotations: [annotation(GrantExpandableSchema, { entitlementIds: [e1!.id], resourceTypeIds: ["user"] })] }),
    newGrant(e3!, g2!.id!, { annotations: [annotation(GrantExpandableSchema, { entitlementIds: [e2!.id], shallow: true })] }),
  ];
  return { resources: [g1!, g2!, g3!, user("alice"), user("bob")], entitlements: [e1!, e2!, e3!], grants };
}

test("expansion derives grants along edges, merges into direct ones, honours shallow and type filters", async (t) => {
  const dir = scratchDir(t);
  const file = path.join(dir, "x.c1z");
  const w = await C1zWriter.create(file, { workDir: dir });
  const g = graph();
  w.putResourceTypes(types);
  w.putResources(g.resources);
  w.putEntitlements(g.entitlements);
  w.putGrants(g.grants);
  const done = await w.finish();
  // alice's g2 grant gains g1 as a source (bot is filtered out); g3 gets bob, alice and group g1 itself
  // (g1 holds g2 membership through the expandable grant, a direct grant).
  assert.deepEqual(done.expansion, { created: 3, merged: 1 });
  const r = await C1zReader.open(file, { workDir: dir });
  t.after(() => r.close());
  const byId = new Map([...r.grants()].map((x) => [x.id, x]));
  const aliceG2 = byId.get("group:g2:member:user:alice")!;
  assert.deepEqual(Object.entries(aliceG2.sources!.sources).map(([k, v]) => [k, v.isDirect]).sort(), [["group:g1:member", false], ["group:g2:member", true]]);
  assert.equal(byId.has("group:g2:member:service:bot"), false, "resource_type_ids filter");
  // g3: shallow, so only direct g2 members: bob and alice (alice's g2 grant is direct too).
  const g3 = [...byId.values()].filter((x) => x.entitlement!.id === "group:g3:member" && x.principal!.id!.resourceType === "user").map((x) => x.id).sort();
  assert.deepEqual(g3, ["group:g3:member:user:alice", "group:g3:member:user:bob"]);
  const bobG3 = byId.get("group:g3:member:user:bob")!;
  assert.ok(hasAnnotation(bobG3.annotations, GrantImmutableSchema), "derived grants are immutable");
  assert.deepEqual(Object.keys(bobG3.sources!.sources), ["group:g2:member"]);
  assert.ok(byId.has("group:g3:member:group:g1"));
  assert.equal(done.counts.grants, g.grants.length + 3);
});

test("a chain is followed to the end", async (t) => {
  const dir = scratchDir(t);
  const file = path.join(dir, "chain.c1z");
  const w = await C1zWriter.create(file, { workDir: dir });
  const [g1, g2, g3] = ["g1", "g2", "g3"].map(group);
  const [e1, e2, e3] = [g1!, g2!, g3!].map((x) => newEntitlement(x, "member", "assignment"));
  w.putResourceTypes(types);
  w.putResources([g1!, g2!, g3!, user("carol")]);
  w.putEntitlements([e1!, e2!, e3!]);
  w.putGrants([
    newGrant(e1!, resourceId("user", "carol")),
    newGrant(e2!, g1!.id!, { annotations: [annotation(GrantExpandableSchema, { entitlementIds: [e1!.id] })] }),
    newGrant(e3!, g2!.id!, { annotations: [annotation(GrantExpandableSchema, { entitlementIds: [e2!.id] })] }),
  ]);
  const done = await w.finish();
  assert.equal(done.expansion.created, 3, "carol in g2 and g3, and group g1 in g3");
  const r = await C1zReader.open(file, { workDir: dir });
  t.after(() => r.close());
  const carol = [...r.grants({ principal: { resourceType: "user", resource: "carol" } as never })].map((x) => x.id).sort();
  assert.deepEqual(carol, ["group:g1:member:user:carol", "group:g2:member:user:carol", "group:g3:member:user:carol"]);
});

test("a source entitlement that does not belong to the grant's principal is refused; nothing is published", async (t) => {
  const dir = scratchDir(t);
  const file = path.join(dir, "bad.c1z");
  const w = await C1zWriter.create(file, { workDir: dir });
  const [g1, g2] = ["g1", "g2"].map(group);
  const [e1, e2] = [g1!, g2!].map((x) => newEntitlement(x, "member", "assignment"));
  w.putResourceTypes(types);
  w.putResources([g1!, g2!]);
  w.putEntitlements([e1!, e2!]);
  // The grant's principal is g2, but the source entitlement is g1's.
  w.putGrants([newGrant(e2!, g2!.id!, { annotations: [annotation(GrantExpandableSchema, { entitlementIds: [e1!.id] })] })]);
  await assert.rejects(w.finish(), /source entitlement group:g1:member belongs to group:g1, not to the grant's principal group:g2/);
  assert.equal(existsSync(file), false);
});

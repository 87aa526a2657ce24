// The reader on real upstream files, and the writer's schema against upstream's.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { C1zWriter } from "../src/baton/c1z/writer.js";
import { c1zSchemaSignature } from "../src/baton/c1z/schema.js";
import { EntitlementSchema, GrantSchema, ResourceSchema, ResourceTypeSchema, newResource, resourceId } from "../src/baton/model.js";
import { fixture, fixturesSkip, scratchDir } from "./support/c1z-helpers.js";

const FULL = { resourceTypes: 4, resources: 1221, entitlements: 342, grants: 14981 };

for (const name of ["upstream-current-schema", "upstream-old-schema"] as const) {
  test(`${name}: the finished full sync with its counts, ids matching external_id`, { skip: fixturesSkip }, async (t) => {
    const reader = await C1zReader.open(fixture(name));
    t.after(() => reader.close());
    const finished = reader.latestFinishedSync();
    assert.equal(finished?.syncId, "36zfOAoWMxQdISbixanQCRBiX7E");
    assert.equal(finished?.syncType, "full");
    assert.equal(finished?.startedAt?.toISOString(), "2025-12-17T16:31:25.057Z");
    assert.equal(finished?.endedAt?.toISOString(), "2025-12-17T16:33:36.381Z");
    assert.equal(reader.selectedSync()?.syncId, finished?.syncId);
    assert.deepEqual(reader.counts(), FULL);
    assert.equal([...reader.grants()].length, FULL.grants);

    for (const row of reader.rawRows("v1_resource_types")) assert.equal(fromBinary(ResourceTypeSchema, row.data as Buffer).id, row.external_id);
    for (const row of reader.rawRows("v1_resources")) {
      const id = fromBinary(ResourceSchema, row.data as Buffer).id!;
      assert.equal(`${id.resourceType}:${id.resource}`, row.external_id);
      assert.equal(id.resourceType, row.resource_type_id);
    }
    for (const row of reader.rawRows("v1_entitlements")) assert.equal(fromBinary(EntitlementSchema, row.data as Buffer).id, row.external_id);
    let n = 0;
    for (const row of reader.rawRows("v1_grants")) {
      const g = fromBinary(GrantSchema, row.data as Buffer);
      assert.equal(g.id, row.external_id);
      assert.equal(g.entitlement?.id, row.entitlement_id);
      assert.equal(g.principal?.id?.resource, row.principal_resource_id);
      n++;
    }
    assert.equal(n, FULL.grants);

    assert.equal(reader.getResource(resourceId("group", "group-0000000"))?.displayName, "Group 0000000");
    assert.equal(reader.getEntitlement("group:group-0000000:member")?.slug, "member");
    assert.equal(reader.getGrant("project:project-0000098:access:group:group-0000000")?.entitlement?.id, "project:project-0000098:access");
    assert.equal([...reader.resources({ resourceTypeId: "user" })].length, 1000);
    const member = [...reader.grants({ principal: resourceId("user", "user-0000000") })];
    assert.ok(member.length > 0 && member.every((g) => g.principal?.id?.resource === "user-0000000"));
  });
}

test("upstream-unfinished: no finished sync; what the unfinished sync holds", { skip: fixturesSkip }, async (t) => {
  const reader = await C1zReader.open(fixture("upstream-unfinished"));
  t.after(() => reader.close());
  assert.equal(reader.latestFinishedSync(), undefined);
  const runs = reader.syncRuns();
  assert.equal(runs.length, 1);
  assert.equal(runs[0]?.endedAt, undefined);
  assert.equal(runs[0]?.syncId, "3ARefY5G8eOytquwYgm41Nq07IZ");
  assert.deepEqual(reader.counts(), { resourceTypes: 5, resources: 79, entitlements: 0, grants: 0 });
  assert.equal([...reader.resourceTypes()].length, 5);
  assert.equal([...reader.resources()].length, 79);
  assert.equal([...reader.grants()].length, 0);
});

test("a written file has exactly upstream's tables, columns and indexes", { skip: fixturesSkip }, async (t) => {
  const dir = scratchDir(t);
  const file = path.join(dir, "sync.c1z");
  const writer = await C1zWriter.create(file);
  writer.putResources([newResource(resourceId("user", "u"), "U")]);
  await writer.finish();
  const mine = await C1zReader.open(file);
  const upstream = await C1zReader.open(fixture("upstream-current-schema"));
  t.after(() => (mine.close(), upstream.close()));
  const a = c1zSchemaSignature(mine.dbPath);
  const b = c1zSchemaSignature(upstream.dbPath);
  assert.deepEqual(Object.keys(a.tables).sort(), Object.keys(b.tables).sort());
  for (const table of Object.keys(b.tables)) assert.deepEqual(a.tables[table], b.tables[table], table);
  assert.deepEqual(Object.keys(a.indexes).sort(), Object.keys(b.indexes).sort());
  for (const ix of Object.keys(b.indexes)) assert.deepEqual(a.indexes[ix], b.indexes[ix], ix);
  // Spot checks, so a broken signature function cannot make this pass vacuously.
  assert.deepEqual(b.indexes.idx_resources_external_sync_v1?.columns, ["parent_resource_type_id", "parent_resource_id"]);
  assert.deepEqual(b.indexes.idx_grants_sync_needs_expansion_v1, { table: "v1_grants", columns: ["sync_id"], unique: false, where: "needs_expansion = 1" });
  assert.equal(b.indexes.idx_grants_external_sync_v1?.unique, true);
  assert.equal(Object.keys(b.indexes).length, 16);
  assert.equal(b.tables.v1_sync_runs?.length, 14);
});

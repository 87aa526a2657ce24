// Writer → reader round trip: equal objects, byte-identical data blobs, SDK row layout.
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import binding from "zstd-napi/binding.js";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { C1zWriter } from "../src/baton/c1z/writer.js";
import {
  ChildResourceTypeSchema,
  EntitlementSchema,
  ExternalLinkSchema,
  GrantExpandableSchema,
  GrantImmutableSchema,
  GrantSchema,
  GrantSourcesSchema,
  ResourceSchema,
  ResourceTypeSchema,
  ResourceType_Trait,
  SkipEntitlementsAndGrantsSchema,
  Status_ResourceStatus,
  annotation,
  encodeDeterministic,
  groupTrait,
  newEntitlement,
  newGrant,
  newResource,
  newResourceType,
  resourceId,
  userTrait,
  type Entitlement,
  type Grant,
  type Resource,
  type ResourceType,
} from "../src/baton/model.js";
import { create } from "@bufbuild/protobuf";
import { scratchDir } from "./support/c1z-helpers.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function manyKeys(seed: number): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  // Deliberately unsorted insertion order.
  for (let i = 40; i > 0; i--) out[`k${(i * 7919 + seed) % 97}_${i}`] = i % 3 === 0 ? `v${i}` : i % 3 === 1 ? i * 1.5 : i % 2 === 0;
  return out;
}

function sampleData() {
  const userType = newResourceType("user", "User", [ResourceType_Trait.USER], { annotations: [annotation(SkipEntitlementsAndGrantsSchema)] });
  const wsType = newResourceType("workspace", "Workspace", [ResourceType_Trait.GROUP], { description: "LangSmith workspaces" });
  const types: ResourceType[] = [userType, wsType];
  const org = newResource(resourceId("org", "o-1"), "Org", { annotations: [annotation(ChildResourceTypeSchema, { resourceTypeId: "workspace" })] });
  const users: Resource[] = [];
  for (let i = 0; i < 30; i++) {
    users.push(
      newResource(resourceId("user", `u-${i}`), `User ${i} ü`, {
        annotations: [userTrait({ emails: [{ address: `u${i}@example.com`, primary: true }], login: `u${i}@example.com`, profile: manyKeys(i), createdAt: new Date(Date.UTC(2024, 0, 1 + i)) })],
        status: i % 5 === 0 ? Status_ResourceStatus.DISABLED : undefined,
      }),
    );
  }
  const workspaces = [0, 1, 2].map((i) =>
    newResource(resourceId("workspace", `ws-${i}`), `Workspace ${i}`, {
      parent: org.id,
      description: "a workspace",
      annotations: [groupTrait({ profile: manyKeys(100 + i) }), annotation(ExternalLinkSchema, { url: `https://example.com/ws/${i}` })],
      profile: { tenant: `ws-${i}`, nested: { b: [1, 2, { d: null, c: "x" }], a: true } },
    }),
  );
  const entitlements: Entitlement[] = workspaces.map((ws) => newEntitlement(ws, "member", "assignment", { grantableTo: [userType], description: "Member" }));
  const grants: Grant[] = [];
  for (const [w, ent] of entitlements.entries()) {
    for (const [u, user] of users.entries()) {
      if ((u + w) % 2 === 0) grants.push(newGrant(ent, user.id!, { annotations: u % 7 === 0 ? [annotation(GrantImmutableSchema, { sourceId: "scim", metadata: manyKeys(u) })] : [] }));
    }
  }
  // An expandable grant: members of ws-1 get ws-0 membership (GrantExpandable goes to `expansion`).
  const expandable = newGrant(entitlements[0]!, workspaces[1]!.id!, {
    annotations: [annotation(GrantExpandableSchema, { entitlementIds: [entitlements[1]!.id, " "], shallow: true }), annotation(GrantImmutableSchema, { sourceId: "x" })],
  });
  expandable.sources = create(GrantSourcesSchema, { sources: { [entitlements[1]!.id]: { isDirect: false }, [entitlements[0]!.id]: { isDirect: true } } });
  grants.push(expandable);
  // A GrantExpandable with only blank ids stays in `data` (and expansion stays NULL), as in the SDK.
  grants.push(newGrant(entitlements[2]!, workspaces[0]!.id!, { annotations: [annotation(GrantExpandableSchema, { entitlementIds: [""] })] }));
  return { types, resources: [org, ...users, ...workspaces], entitlements, grants, expandable };
}

test("objects written are read back equal, with byte-identical data blobs", async (t) => {
  const dir = scratchDir(t);
  const file = path.join(dir, "sync.c1z");
  const data = sampleData();
  const writer = await C1zWriter.create(file, { workDir: dir });
  writer.putResourceTypes(data.types);
  // Pages, as a connector would send them.
  for (let i = 0; i < data.resources.length; i += 7) writer.putResources(data.resources.slice(i, i + 7));
  writer.putEntitlements(data.entitlements);
  for (let i = 0; i < data.grants.length; i += 10) writer.putGrants(data.grants.slice(i, i + 10));
  assert.deepEqual(writer.counts(), { resourceTypes: 2, resources: data.resources.length, entitlements: 3, grants: data.grants.length });
  const done = await writer.finish();
  assert.equal(done.path, file);
  assert.deepEqual(done.counts, writer.counts());

  // One zstd frame right after the magic, with its content size recorded.
  const bytes = readFileSync(file);
  assert.equal(done.bytes, bytes.length);
  assert.equal(bytes.subarray(0, 5).toString("latin1"), "C1ZF\0");
  assert.equal(binding.findFrameCompressedSize(bytes.subarray(5)), bytes.length - 5);

  const reader = await C1zReader.open(file, { workDir: dir });
  t.after(() => reader.close());
  assert.equal(reader.selectedSync()?.syncId, writer.syncId);
  assert.equal(binding.getFrameContentSize(bytes.subarray(5)), statSync(reader.dbPath).size, "Frame_Content_Size = database size");

  const check = <T extends { $typeName: string }>(schema: Parameters<typeof toBinary>[0], written: T[], read: T[], key: (x: T) => string) => {
    assert.equal(read.length, written.length, schema.typeName);
    const byKey = new Map(read.map((x) => [key(x), x]));
    for (const w of written) {
      const r = byKey.get(key(w));
      assert.ok(r, `${schema.typeName} ${key(w)} read back`);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      assert.equal(hex(toBinary(schema, r as any)), hex(encodeDeterministic(schema, w as any)), `${schema.typeName} ${key(w)} bytes`);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      assert.ok(equals(schema, r as any, w as any), `${schema.typeName} ${key(w)} equal`);
    }
  };
  check(ResourceTypeSchema, data.types, [...reader.resourceTypes()], (x) => x.id);
  check(ResourceSchema, data.resources, [...reader.resources()], (x) => `${x.id!.resourceType}:${x.id!.resource}`);
  check(EntitlementSchema, data.entitlements, [...reader.entitlements()], (x) => x.id);
  const stored = data.grants.map((g) => (g === data.expandable ? { ...g, annotations: g.annotations.filter((a) => !a.typeUrl.endsWith("GrantExpandable")) } : g));
  check(GrantSchema, stored, [...reader.grants()], (x) => x.id);

  // The data column holds exactly what toBinary() of the decoded object gives.
  for (const row of reader.rawRows("v1_grants")) {
    assert.equal(hex(row.data as Buffer), hex(toBinary(GrantSchema, fromBinary(GrantSchema, row.data as Buffer))));
  }
  // Grant columns and the expansion side column (GrantExpandable grants keep it out of data).
  const rows = new Map([...reader.rawRows("v1_grants")].map((r) => [r.external_id as string, r]));
  const exp = rows.get(data.expandable.id)!;
  assert.equal(exp.needs_expansion, 1);
  assert.deepEqual(fromBinary(GrantExpandableSchema, exp.expansion as Buffer).entitlementIds, ["workspace:ws-1:member", " "]);
  assert.equal(exp.resource_type_id, "workspace");
  assert.equal(exp.resource_id, "ws-0");
  assert.equal(exp.entitlement_id, "workspace:ws-0:member");
  assert.equal(exp.principal_resource_type_id, "workspace");
  assert.equal(exp.principal_resource_id, "ws-1");
  const blank = rows.get("workspace:ws-2:member:workspace:ws-0")!;
  assert.equal(blank.expansion, null);
  assert.equal(blank.needs_expansion, 0);
  assert.ok(fromBinary(GrantSchema, blank.data as Buffer).annotations.some((a) => a.typeUrl.endsWith("GrantExpandable")));
  const withExp = [...reader.grants({ entitlementId: "workspace:ws-0:member", withExpansion: true })].find((g) => g.id === data.expandable.id)!;
  assert.equal(withExp.annotations.at(-1)?.typeUrl, "type.googleapis.com/c1.connector.v2.GrantExpandable");

  // Resource rows: "rt:id" keys and parent columns.
  const res = new Map([...reader.rawRows("v1_resources")].map((r) => [r.external_id as string, r]));
  assert.equal(res.get("workspace:ws-0")?.parent_resource_type_id, "org");
  assert.equal(res.get("workspace:ws-0")?.parent_resource_id, "o-1");
  assert.equal(res.get("user:u-1")?.parent_resource_type_id, null);
  assert.equal(res.get("user:u-1")?.resource_type_id, "user");

  // Sync run row as the SDK readers need it.
  const [run] = [...reader.rawRows("v1_sync_runs")];
  assert.equal(run?.sync_type, "full");
  assert.equal(run?.parent_sync_id, "");
  assert.equal(run?.grants_backfilled, 1);
  assert.equal(run?.stats, null);
  assert.equal(run?.sync_token, '{"version":1}');
  assert.ok(run?.ended_at);

  // Look-ups and filters.
  assert.equal(reader.getResource(resourceId("user", "u-3"))?.displayName, "User 3 ü");
  assert.equal(reader.getEntitlement("workspace:ws-1:member")?.slug, "member");
  assert.equal(reader.getGrant("workspace:ws-0:member:user:u-0")?.principal?.id?.resource, "u-0");
  assert.equal(reader.getGrant("nope"), undefined);
  assert.equal([...reader.grants({ principal: resourceId("user", "u-4") })].length, 2);
  assert.equal([...reader.resources({ resourceTypeId: "workspace" })].length, 3);
  assert.equal([...reader.resources({ parent: resourceId("org", "o-1") })].length, 3);
  assert.equal([...reader.entitlements({ resource: resourceId("workspace", "ws-2") })].length, 1);
});

test("putGrants upserts on the grant id: the last write wins and counts stay distinct", async (t) => {
  const dir = scratchDir(t);
  const file = path.join(dir, "sync.c1z");
  const ws = newResource(resourceId("workspace", "w"), "W");
  const ent = newEntitlement(ws, "member", "assignment");
  const writer = await C1zWriter.create(file, { workDir: dir });
  writer.putGrants([newGrant(ent, resourceId("user", "a")), newGrant(ent, resourceId("user", "b"))]);
  const replacement = newGrant(ent, resourceId("user", "a"), { annotations: [annotation(GrantImmutableSchema, { sourceId: "second" })] });
  writer.putGrants([replacement, newGrant(ent, resourceId("user", "c"))]);
  writer.putResources([ws, newResource(resourceId("workspace", "w"), "W renamed")]);
  assert.deepEqual(writer.counts(), { resourceTypes: 0, resources: 1, entitlements: 0, grants: 3 });
  const done = await writer.finish();
  assert.equal(done.counts.grants, 3);
  const reader = await C1zReader.open(file);
  t.after(() => reader.close());
  assert.equal(reader.counts().grants, 3);
  assert.equal(hex(toBinary(GrantSchema, reader.getGrant(replacement.id)!)), hex(encodeDeterministic(GrantSchema, replacement)));
  assert.equal(reader.getResource(resourceId("workspace", "w"))?.displayName, "W renamed");
});

test("invalid objects are refused with a clear error and the page is not half-written", async (t) => {
  const dir = scratchDir(t);
  const writer = await C1zWriter.create(path.join(dir, "x.c1z"), { workDir: dir });
  t.after(() => writer.abort());
  const ws = newResource(resourceId("workspace", "w"), "W");
  const ent = newEntitlement(ws, "member", "assignment");
  const bad = newGrant(ent, resourceId("user", "a"));
  bad.principal = undefined;
  assert.throws(() => writer.putGrants([newGrant(ent, resourceId("user", "ok")), bad]), { name: "C1zInvalidRecordError", message: /principal id is not set/ });
  assert.throws(() => writer.putResources([newResource(resourceId("", "x"), "X")]), { name: "C1zInvalidRecordError" });
  writer.putGrants([newGrant(ent, resourceId("user", "ok2"))]);
  assert.equal(writer.counts().grants, 1); // the failed page was rolled back as a whole
});

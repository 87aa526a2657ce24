// The Baton model: builders (SDK ids and defaults) and deterministic encoding.
import assert from "node:assert/strict";
import { test } from "node:test";
import { create, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { anyUnpack, timestampDate } from "@bufbuild/protobuf/wkt";
import {
  ChildResourceTypeSchema,
  ConfigurationSchema,
  EntitlementSchema,
  Entitlement_PurposeValue,
  GrantExpandableSchema,
  GrantImmutableSchema,
  GrantSchema,
  GrantSourcesSchema,
  RateLimitDescriptionSchema,
  ResourceIdSchema,
  ResourceSchema,
  ResourceTypeSchema,
  ResourceType_Trait,
  SkipEntitlementsAndGrantsSchema,
  Status_ResourceStatus,
  UserTraitSchema,
  UserTrait_AccountType,
  UserTrait_Status_Status,
  annotation,
  canonicalize,
  encodeDeterministic,
  entitlementId,
  getAnnotation,
  grantId,
  groupTrait,
  hasAnnotation,
  newEntitlement,
  newGrant,
  newResource,
  newResourceType,
  resourceId,
  roleTrait,
  userTrait,
} from "../src/baton/model.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

test("ids follow the SDK conventions", () => {
  const ws = resourceId("workspace", "ws-1");
  assert.equal(entitlementId(ws, "member"), "workspace:ws-1:member");
  assert.equal(grantId("workspace:ws-1:member", resourceId("user", "u-9")), "workspace:ws-1:member:user:u-9");
});

test("annotation() packs with the type.googleapis.com URL and reads back", () => {
  const a = annotation(ChildResourceTypeSchema, { resourceTypeId: "workspace_role" });
  assert.equal(a.typeUrl, "type.googleapis.com/c1.connector.v2.ChildResourceType");
  assert.equal(anyUnpack(a, ChildResourceTypeSchema)?.resourceTypeId, "workspace_role");
  const anns = [annotation(SkipEntitlementsAndGrantsSchema), a];
  assert.ok(hasAnnotation(anns, SkipEntitlementsAndGrantsSchema));
  assert.ok(!hasAnnotation(anns, GrantExpandableSchema));
  assert.equal(getAnnotation(anns, ChildResourceTypeSchema)?.resourceTypeId, "workspace_role");
  assert.equal(getAnnotation(anns, GrantExpandableSchema), undefined);
});

test("newResourceType and newEntitlement use the SDK defaults", () => {
  const rt = newResourceType("workspace", "Workspace", [ResourceType_Trait.GROUP], { description: "d" });
  assert.deepEqual([rt.id, rt.displayName, rt.traits, rt.description], ["workspace", "Workspace", [ResourceType_Trait.GROUP], "d"]);
  const res = newResource(resourceId("workspace", "w1"), "W1");
  const e = newEntitlement(res, "member", "assignment", { grantableTo: [rt] });
  assert.equal(e.id, "workspace:w1:member");
  assert.equal(e.slug, "member");
  assert.equal(e.displayName, "member");
  assert.equal(e.purpose, Entitlement_PurposeValue.ASSIGNMENT);
  assert.equal(e.resource, res);
  assert.equal(e.grantableTo[0]?.id, "workspace");
  assert.equal(newEntitlement(res, "owner", "ownership", { displayName: "Owner" }).displayName, "Owner");
  assert.equal(newEntitlement(res, "x", "permission").purpose, Entitlement_PurposeValue.PERMISSION);
});

test("newGrant embeds the entitlement as {id, resource} and the principal as {id}", () => {
  const role = newResource(resourceId("workspace_role", "w1:r1"), "Admin", { annotations: [roleTrait()] });
  const ent = newEntitlement(role, "assigned", "assignment");
  const g = newGrant(ent, resourceId("user", "u1"));
  assert.equal(g.id, "workspace_role:w1:r1:assigned:user:u1");
  assert.equal(g.entitlement?.id, ent.id);
  assert.equal(g.entitlement?.resource, role);
  assert.equal(g.entitlement?.displayName, "");
  assert.equal(g.entitlement?.purpose, Entitlement_PurposeValue.UNSPECIFIED);
  assert.deepEqual(g.principal?.id, resourceId("user", "u1"));
  assert.equal(g.principal?.displayName, "");
  // The fast literal builders must be exactly what create() makes.
  const viaCreate = create(GrantSchema, {
    entitlement: { id: ent.id, resource: role },
    principal: { id: create(ResourceIdSchema, { resourceType: "user", resource: "u1" }) },
    id: g.id,
  });
  assert.deepStrictEqual(g, viaCreate);
  assert.ok(equals(GrantSchema, g, viaCreate));
  assert.deepStrictEqual(resourceId("a", "b"), create(ResourceIdSchema, { resourceType: "a", resource: "b" }));
});

test("userTrait defaults to ENABLED/HUMAN and newResource mirrors its deprecated fields", () => {
  const created = new Date("2024-05-01T10:00:00.123Z");
  const trait = userTrait({ emails: [{ address: "a@example.com", primary: true }], login: "a@example.com", profile: { name: "A" }, createdAt: created });
  const t = anyUnpack(trait, UserTraitSchema)!;
  assert.equal(t.status?.status, UserTrait_Status_Status.ENABLED);
  assert.equal(t.accountType, UserTrait_AccountType.HUMAN);
  assert.equal(t.emails[0]?.isPrimary, true);
  assert.deepEqual(t.profile, { name: "A" });

  const r = newResource(resourceId("user", "u1"), "A", { annotations: [trait] });
  assert.deepEqual(r.profile, { name: "A" });
  assert.equal(r.status?.status, Status_ResourceStatus.ENABLED);
  assert.equal(timestampDate(r.createdAt!).toISOString(), created.toISOString());

  // Resource-level options win over the trait's mirror.
  const disabled = newResource(resourceId("user", "u2"), "B", {
    annotations: [userTrait({ status: UserTrait_Status_Status.DISABLED, accountType: UserTrait_AccountType.SERVICE })],
    status: Status_ResourceStatus.DELETED,
    profile: { own: true },
  });
  assert.equal(disabled.status?.status, Status_ResourceStatus.DELETED);
  assert.deepEqual(disabled.profile, { own: true });
  const mirrored = newResource(resourceId("user", "u3"), "C", { annotations: [userTrait({ status: UserTrait_Status_Status.DISABLED })] });
  assert.equal(mirrored.status?.status, Status_ResourceStatus.DISABLED);
  // A trait decoded from bytes (not built here) mirrors too.
  const decodedTrait = fromBinary(ResourceSchema, toBinary(ResourceSchema, newResource(resourceId("x", "y"), "", { annotations: [trait] }))).annotations[0]!;
  assert.deepEqual(newResource(resourceId("user", "u4"), "D", { annotations: [decodedTrait] }).profile, { name: "A" });
});

test("group and role traits carry their profile", () => {
  assert.equal(groupTrait({ profile: { k: 1 } }).typeUrl, "type.googleapis.com/c1.connector.v2.GroupTrait");
  assert.equal(roleTrait().typeUrl, "type.googleapis.com/c1.connector.v2.RoleTrait");
});

test("builders insert Struct keys in sorted order, recursively", () => {
  const r = newResource(resourceId("user", "u"), "U", { profile: { b: 1, a: { z: [{ y: 1, x: 2 }], c: null } } });
  assert.deepEqual(Object.keys(r.profile!), ["a", "b"]);
  assert.deepEqual(Object.keys(r.profile!.a as object), ["c", "z"]);
  assert.deepEqual(Object.keys(((r.profile!.a as { z: object[] }).z[0])!), ["x", "y"]);
});

test("encodeDeterministic sorts Struct and map keys whatever the insertion order", () => {
  const a = create(ResourceSchema, { id: resourceId("u", "1"), profile: { b: 2, a: 1, c: { y: true, x: "s" } } });
  const b = create(ResourceSchema, { id: resourceId("u", "1"), profile: { a: 1, c: { x: "s", y: true }, b: 2 } });
  assert.equal(hex(encodeDeterministic(ResourceSchema, a)), hex(encodeDeterministic(ResourceSchema, b)));
  // Go orders map keys by bytes: "10" < "2" < "a" (JS objects list "2" before "10").
  const sources = create(GrantSourcesSchema, { sources: { a: { isDirect: true }, "2": { isDirect: true }, "10": { isDirect: false } } });
  const keys: string[] = [];
  const bytes = encodeDeterministic(GrantSourcesSchema, sources);
  for (let i = 0; i < bytes.length; ) {
    assert.equal(bytes[i], 0x0a); // field 1, length-delimited
    const len = bytes[i + 1]!;
    const keyLen = bytes[i + 3]!;
    keys.push(Buffer.from(bytes.subarray(i + 4, i + 4 + keyLen)).toString());
    i += 2 + len;
  }
  assert.deepEqual(keys, ["10", "2", "a"]);
  // canonicalize() makes toBinary() agree, through a Proxy for integer-like keys.
  canonicalize(GrantSourcesSchema, sources);
  assert.equal(hex(toBinary(GrantSourcesSchema, sources)), hex(bytes));
  // UTF-8 byte order: U+FF61 (3 bytes, EF BD A1) sorts before U+1F600 (F0 ...), unlike UTF-16 order.
  const u = create(GrantSourcesSchema, { sources: { "\u{1F600}": { isDirect: true }, "\uFF61": { isDirect: true } } });
  const enc = Buffer.from(encodeDeterministic(GrantSourcesSchema, u)).toString("hex");
  assert.ok(enc.indexOf("efbda1") < enc.indexOf("f09f9880"));
});

test("encodeDeterministic matches toBinary on canonical messages of every shape", () => {
  const user = newResource(resourceId("user", "ü-1"), "Üser 😀", {
    parent: resourceId("org", "o"),
    description: "d",
    annotations: [userTrait({ emails: [{ address: "x@y.z" }], profile: { n: -1.5, s: "é", l: [1, "a", null, { k: false }], o: {} }, createdAt: new Date(-1500) })],
    status: Status_ResourceStatus.DISABLED,
    createdAt: new Date("2020-01-01T00:00:00Z"),
  });
  const rt = newResourceType("user", "User", [ResourceType_Trait.USER, ResourceType_Trait.APP], { annotations: [annotation(SkipEntitlementsAndGrantsSchema)] });
  const ent = newEntitlement(user, "member", "assignment", { grantableTo: [rt], annotations: [annotation(RateLimitDescriptionSchema, { limit: -5n, remaining: 1n << 40n, status: 2 })] });
  const grant = newGrant(ent, resourceId("user", "u2"), { annotations: [annotation(GrantImmutableSchema, { sourceId: "s", metadata: { z: 1, a: 2 } })] });
  grant.sources = create(GrantSourcesSchema, { sources: { b: { isDirect: true }, a: {} } });
  canonicalize(GrantSchema, grant);
  const cfg = create(ConfigurationSchema, {
    displayName: "LangSmith",
    fields: [
      { name: "api-key", isRequired: true, isSecret: true, field: { case: "stringField", value: { rules: { isRequired: true } } } },
      { name: "n", field: { case: "intField", value: { defaultValue: -3n, rules: { isRequired: true } } } },
      { name: "b", field: { case: "boolField", value: {} } },
    ],
  });
  const cases = [
    [ResourceSchema, user],
    [ResourceTypeSchema, rt],
    [EntitlementSchema, ent],
    [GrantSchema, grant],
    [ConfigurationSchema, cfg],
  ] as const;
  for (const [schema, msg] of cases) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    assert.equal(hex(encodeDeterministic(schema as any, msg as any)), hex(toBinary(schema as any, msg as any)), schema.typeName);
  }
  // Unknown fields survive and are written last, as protobuf-es and Go do.
  const withUnknown = fromBinary(ResourceIdSchema, Buffer.concat([toBinary(ResourceIdSchema, resourceId("a", "b")), Buffer.from([0xa8, 0x01, 0x07])]));
  assert.equal(hex(encodeDeterministic(ResourceIdSchema, withUnknown)), hex(toBinary(ResourceIdSchema, withUnknown)));
  assert.ok(hex(encodeDeterministic(ResourceIdSchema, withUnknown)).endsWith("a80107"));
});

// The Baton object model (c1.connector.v2) and SDK-style builders.
//
// Builders follow baton-sdk's ID conventions and defaults (pkg/types/resource in github.com/conductorone/baton-sdk):
//   resource storage key   "<resource_type>:<resource>"
//   entitlement id         "<resource_type>:<resource>:<slug>"
//   grant id               "<entitlement id>:<principal_type>:<principal_id>"
// Every builder returns messages whose maps (Struct profiles, grant sources) iterate in
// Go's deterministic key order, so even toBinary() output matches Go's Deterministic:true
// (see deterministic.ts for the one exception). The .c1z writer and annotation() encode
// with encodeDeterministic() (wire.ts), which sorts by itself, so hand-built messages are
// written deterministically too.
//
// Note: protobuf-es stores google.protobuf.Struct fields (Resource.profile, trait
// profiles) as plain JSON objects — read them as `resource.profile?.email`.
import { create, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { AnySchema, anyIs, anyUnpack, timestampFromDate, type Any } from "@bufbuild/protobuf/wkt";
import { canonicalize, sortedJson } from "./deterministic.js";
import { encodeDeterministic } from "./wire.js";
import {
  EntitlementSchema,
  Entitlement_PurposeValue,
  type Entitlement,
} from "./gen/c1/connector/v2/entitlement_pb.js";
import { GrantSchema, type Grant } from "./gen/c1/connector/v2/grant_pb.js";
import {
  GroupTraitSchema,
  RoleTraitSchema,
  SecretTraitSchema,
  UserTraitSchema,
  UserTrait_AccountType,
  UserTrait_Status_Status,
  type UserTrait,
} from "./gen/c1/connector/v2/annotation_trait_pb.js";
import {
  ResourceIdSchema,
  ResourceSchema,
  ResourceTypeSchema,
  Resource_CreationSource,
  StatusSchema,
  Status_ResourceStatus,
  type Resource,
  type ResourceId,
  type ResourceType,
  type ResourceType_Trait,
} from "./gen/c1/connector/v2/resource_pb.js";

export * from "./gen/c1/connector/v2/resource_pb.js";
export * from "./gen/c1/connector/v2/entitlement_pb.js";
export * from "./gen/c1/connector/v2/grant_pb.js";
export * from "./gen/c1/connector/v2/annotation_trait_pb.js";
export * from "./gen/c1/connector/v2/annotations_pb.js";
export * from "./gen/c1/connector/v2/annotation_exclusion_group_pb.js";
export * from "./gen/c1/connector/v2/connector_pb.js";
export * from "./gen/c1/connector/v2/connector_metadata_pb.js";
export * from "./gen/c1/config/v1/config_pb.js";
export { AnySchema, TimestampSchema, timestampDate, timestampFromDate, type Any, type Timestamp } from "@bufbuild/protobuf/wkt";
export { canonicalize, compareUtf8, sortedJson } from "./deterministic.js";
export { encodeDeterministic } from "./wire.js";
export { resourceKey } from "./resource-key.js";
import { resourceKey } from "./resource-key.js";

/** JSON data for google.protobuf.Struct fields (protobuf-es stores Structs as plain JSON). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export const TYPE_URL_PREFIX = "type.googleapis.com/";

/** Packs an annotation message into an Any (`type.googleapis.com/<full name>`), deterministically encoded. */
export function annotation<Desc extends DescMessage>(schema: Desc, init?: MessageInitShape<Desc>): Any {
  const msg = canonicalize(schema, create(schema, init));
  const any = create(AnySchema, { typeUrl: TYPE_URL_PREFIX + schema.typeName, value: encodeDeterministic(schema, msg) });
  packed.set(any, msg);
  return any;
}

// The message each Any built here was packed from, so builders can read it back without
// decoding (newResource() mirrors UserTrait fields). Keyed weakly by the Any object.
const packed = new WeakMap<Any, unknown>();

export function newResourceType(
  id: string,
  displayName: string,
  traits: ResourceType_Trait[],
  opts: { description?: string; annotations?: Any[] } = {},
): ResourceType {
  return create(ResourceTypeSchema, {
    id,
    displayName,
    traits,
    annotations: opts.annotations ?? [],
    description: opts.description ?? "",
  });
}

// resourceId() and newGrant() build their messages as literals: they run once per grant
// (a million times in a big sync) and create() costs ~0.3 µs per message. The literals
// carry exactly the properties create() would set (tests compare them with create()).

export function resourceId(resourceType: string, resource: string): ResourceId {
  return { $typeName: ResourceIdSchema.typeName, resourceType, resource, batonResource: false };
}

/**
 * Builds a Resource. `status`, `profile` and `createdAt` go on the Resource itself.
 * Like the SDK, when a UserTrait annotation is present, its deprecated mirror fields
 * (status, profile, created_at, icon) are copied onto the Resource-level fields that the
 * options left unset; the trait keeps its own copy for older readers.
 */
export function newResource(
  id: ResourceId,
  displayName: string,
  opts: {
    parent?: ResourceId;
    description?: string;
    annotations?: Any[];
    profile?: Record<string, JsonValue>;
    status?: Status_ResourceStatus;
    createdAt?: Date;
  } = {},
): Resource {
  const r = create(ResourceSchema, {
    id,
    displayName,
    annotations: opts.annotations ?? [],
    description: opts.description ?? "",
  });
  if (opts.parent) r.parentResourceId = opts.parent;
  if (opts.profile) r.profile = sortedJson(opts.profile);
  if (opts.status !== undefined) r.status = create(StatusSchema, { status: opts.status });
  if (opts.createdAt) r.createdAt = timestampFromDate(opts.createdAt);
  const user = peekAnnotation(r.annotations, UserTraitSchema);
  if (user) mirrorUserTrait(r, user);
  return canonicalize(ResourceSchema, r);
}


function mirrorUserTrait(r: Resource, t: UserTrait): void {
  if (!r.profile && t.profile) r.profile = t.profile;
  if (!r.icon && t.icon) r.icon = t.icon;
  if (!r.createdAt && t.createdAt) r.createdAt = t.createdAt;
  // UserTrait.Status.Status and Status.ResourceStatus share enum numbers.
  if (!r.status && t.status && t.status.status !== UserTrait_Status_Status.UNSPECIFIED) {
    r.status = create(StatusSchema, { status: t.status.status as number as Status_ResourceStatus, details: t.status.details });
  }
}

/**
 * UserTrait annotation. SDK defaults: status ENABLED, account type HUMAN. The deprecated
 * trait fields (status, profile, created_at) are written too, as the SDK does;
 * newResource() mirrors them onto the Resource.
 */
export function userTrait(opts: {
  emails?: { address: string; primary?: boolean }[];
  login?: string;
  status?: UserTrait_Status_Status;
  accountType?: UserTrait_AccountType;
  profile?: Record<string, JsonValue>;
  createdAt?: Date;
}): Any {
  const status = opts.status ?? UserTrait_Status_Status.ENABLED;
  return annotation(UserTraitSchema, {
    emails: (opts.emails ?? []).map((e) => ({ address: e.address, isPrimary: e.primary ?? false })),
    status: { status },
    profile: opts.profile ? sortedJson(opts.profile) : undefined,
    accountType: opts.accountType ?? UserTrait_AccountType.HUMAN,
    login: opts.login ?? "",
    createdAt: opts.createdAt ? timestampFromDate(opts.createdAt) : undefined,
  });
}


export function groupTrait(opts: { profile?: Record<string, JsonValue> } = {}): Any {
  return annotation(GroupTraitSchema, { profile: opts.profile ? sortedJson(opts.profile) : undefined });
}

export function roleTrait(opts: { profile?: Record<string, JsonValue> } = {}): Any {
  return annotation(RoleTraitSchema, { profile: opts.profile ? sortedJson(opts.profile) : undefined });
}

/**
 * SecretTrait annotation (an API key, token or other credential). The deprecated profile and created_at
 * trait fields are written too, for older readers; pass the same values to newResource().
 */
export function secretTrait(opts: {
  profile?: Record<string, JsonValue>;
  createdAt?: Date;
  expiresAt?: Date;
  lastUsedAt?: Date;
  createdById?: ResourceId;
  identityId?: ResourceId;
}): Any {
  return annotation(SecretTraitSchema, {
    profile: opts.profile ? sortedJson(opts.profile) : undefined,
    createdAt: opts.createdAt ? timestampFromDate(opts.createdAt) : undefined,
    expiresAt: opts.expiresAt ? timestampFromDate(opts.expiresAt) : undefined,
    lastUsedAt: opts.lastUsedAt ? timestampFromDate(opts.lastUsedAt) : undefined,
    createdById: opts.createdById,
    identityId: opts.identityId,
  });
}

/** `<resource key>:<slug>` (the SDK's entitlement id). */
export function entitlementId(resource: ResourceId, slug: string): string {
  return `${resourceKey(resource)}:${slug}`;
}

/** `<entitlement id>:<principal key>` (the SDK's grant id). */
export function grantId(entitlementId: string, principal: ResourceId): string {
  return `${entitlementId}:${resourceKey(principal)}`;
}

const PURPOSES = {
  assignment: Entitlement_PurposeValue.ASSIGNMENT,
  permission: Entitlement_PurposeValue.PERMISSION,
  ownership: Entitlement_PurposeValue.OWNERSHIP,
} as const;

/** Entitlement with the SDK defaults: display_name = slug = `slug`, full resource embedded. */
export function newEntitlement(
  resource: Resource,
  slug: string,
  purpose: "assignment" | "permission" | "ownership",
  opts: { displayName?: string; description?: string; grantableTo?: ResourceType[]; annotations?: Any[] } = {},
): Entitlement {
  if (!resource.id) throw new TypeError("newEntitlement: resource has no id");
  return canonicalize(
    EntitlementSchema,
    create(EntitlementSchema, {
      resource,
      id: entitlementId(resource.id, slug),
      displayName: opts.displayName ?? slug,
      description: opts.description ?? "",
      grantableTo: opts.grantableTo ?? [],
      annotations: opts.annotations ?? [],
      purpose: PURPOSES[purpose] ?? Entitlement_PurposeValue.UNSPECIFIED,
      slug,
    }),
  );
}

/**
 * Grant as the SDK builds it: entitlement embedded as {id, resource}, principal as {id}.
 * Accepts an Entitlement directly (its `resource` must be set).
 */
export function newGrant(
  entitlement: { id: string; resource?: Resource },
  principal: ResourceId,
  opts: { annotations?: Any[] } = {},
): Grant {
  if (!entitlement.resource) throw new TypeError(`newGrant: entitlement ${entitlement.id} has no resource`);
  const ent: Entitlement = {
    $typeName: EntitlementSchema.typeName,
    resource: entitlement.resource,
    id: entitlement.id,
    displayName: "",
    description: "",
    grantableTo: [],
    annotations: [],
    purpose: Entitlement_PurposeValue.UNSPECIFIED,
    slug: "",
  };
  const who: Resource = {
    $typeName: ResourceSchema.typeName,
    id: principal,
    displayName: "",
    annotations: [],
    description: "",
    batonResource: false,
    creationSource: Resource_CreationSource.UNSPECIFIED,
  };
  const grant: Grant = {
    $typeName: GrantSchema.typeName,
    entitlement: ent,
    principal: who,
    id: grantId(entitlement.id, principal),
    annotations: opts.annotations ?? [],
  };
  return canonicalize(GrantSchema, grant);
}

export function hasAnnotation(annotations: Any[], schema: DescMessage): boolean {
  return annotations.some((a) => anyIs(a, schema));
}

/** First annotation of the given type, unpacked; undefined when absent. */
export function getAnnotation<Desc extends DescMessage>(annotations: Any[], schema: Desc): MessageShape<Desc> | undefined {
  const a = annotations.find((x) => anyIs(x, schema));
  return a ? anyUnpack(a, schema) : undefined;
}

/** getAnnotation() without decoding when the Any came from annotation() (read-only use). */
function peekAnnotation<Desc extends DescMessage>(annotations: Any[], schema: Desc): MessageShape<Desc> | undefined {
  const a = annotations.find((x) => anyIs(x, schema));
  if (!a) return undefined;
  const known = packed.get(a) as MessageShape<Desc> | undefined;
  return known?.$typeName === schema.typeName ? known : anyUnpack(a, schema);
}


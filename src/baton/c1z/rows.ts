// Objects → v1 table rows: validation, column extraction and the prepared statements the
// writer runs, one transaction per page.
import type Database from "better-sqlite3";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { anyUnpack, type Any } from "@bufbuild/protobuf/wkt";
import { GrantExpandableSchema } from "../gen/c1/connector/v2/annotations_pb.js";
import { EntitlementSchema, type Entitlement } from "../gen/c1/connector/v2/entitlement_pb.js";
import { GrantSchema, type Grant } from "../gen/c1/connector/v2/grant_pb.js";
import { ResourceSchema, ResourceTypeSchema, type Resource, type ResourceType } from "../gen/c1/connector/v2/resource_pb.js";
import { resourceKey } from "../resource-key.js";
import { encodeDeterministic } from "../wire.js";
import { C1zInvalidRecordError } from "./errors.js";
import type { IdHashSet } from "./id-set.js";

const GRANT_EXPANDABLE_URL = `type.googleapis.com/${GrantExpandableSchema.typeName}`;

export interface RowInserters {
  resourceTypes: (rows: ResourceType[], at: string) => void;
  resources: (rows: Resource[], at: string) => void;
  entitlements: (rows: Entitlement[], at: string) => void;
  grants: (rows: Grant[], at: string) => void;
}

/**
 * Prepares the inserts. Resource types, resources and entitlements upsert on
 * (external_id, sync_id); grants are plain inserts (their unique index is built at
 * finish()), with ids recorded in `grantIds` and repeats in `repeatedGrants`.
 */
export function prepareInserts(db: Database.Database, syncId: string, file: string, grantIds: IdHashSet, repeatedGrants: Set<string>): RowInserters {
  const invalid = (what: string, why: string) => new C1zInvalidRecordError(file, `cannot store ${what} in ${file}: ${why}`);
  const rt = db.prepare(
    `insert into v1_resource_types (external_id, data, sync_id, discovered_at) values (?, ?, ?, ?)
     on conflict (external_id, sync_id) do update set data = excluded.data, discovered_at = excluded.discovered_at`,
  );
  const res = db.prepare(
    `insert into v1_resources (resource_type_id, external_id, parent_resource_type_id, parent_resource_id, data, sync_id, discovered_at)
     values (?, ?, ?, ?, ?, ?, ?)
     on conflict (external_id, sync_id) do update set resource_type_id = excluded.resource_type_id,
       parent_resource_type_id = excluded.parent_resource_type_id, parent_resource_id = excluded.parent_resource_id,
       data = excluded.data, discovered_at = excluded.discovered_at`,
  );
  const ent = db.prepare(
    `insert into v1_entitlements (resource_type_id, resource_id, external_id, data, sync_id, discovered_at) values (?, ?, ?, ?, ?, ?)
     on conflict (external_id, sync_id) do update set resource_type_id = excluded.resource_type_id,
       resource_id = excluded.resource_id, data = excluded.data, discovered_at = excluded.discovered_at`,
  );
  // No upsert: v1_grants has no unique index until finish() (see schema.ts); repeats are
  // tracked in `grantIds` and the replaced rows removed before the index is built.
  const grant = db.prepare(
    `insert into v1_grants (resource_type_id, resource_id, entitlement_id, principal_resource_type_id, principal_resource_id,
       external_id, data, sync_id, discovered_at, expansion, needs_expansion) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertGrants = db.transaction((rows: Grant[], at: string) => {
    for (const g of rows) {
      const entId = g.entitlement?.id;
      const rid = g.entitlement?.resource?.id;
      const pid = g.principal?.id;
      if (!g.id) throw invalid("a grant", "its id is empty");
      if (!entId || !rid?.resourceType || !rid.resource) throw invalid(`grant ${g.id}`, "its entitlement id or entitlement resource id is not set");
      if (!pid?.resourceType || !pid.resource) throw invalid(`grant ${g.id}`, "its principal id is not set");
      const { data, expansion } = encodeGrant(g);
      grant.run(rid.resourceType, rid.resource, entId, pid.resourceType, pid.resource, g.id, data, syncId, at, expansion, expansion ? 1 : 0);
    }
  });
  return {
    resourceTypes: db.transaction((rows: ResourceType[], at: string) => {
      for (const r of rows) {
        if (!r.id) throw invalid("a resource type", "its id is empty");
        rt.run(r.id, encode(ResourceTypeSchema, r), syncId, at);
      }
    }),
    resources: db.transaction((rows: Resource[], at: string) => {
      for (const r of rows) {
        const id = r.id;
        if (!id?.resourceType || !id.resource) throw invalid(`resource "${r.displayName}"`, "its id (resource type and resource) is not set");
        const parent = r.parentResourceId;
        const hasParent = !!parent && (parent.resourceType !== "" || parent.resource !== "");
        res.run(id.resourceType, resourceKey(id), hasParent ? parent.resourceType : null, hasParent ? parent.resource : null, encode(ResourceSchema, r), syncId, at);
      }
    }),
    entitlements: db.transaction((rows: Entitlement[], at: string) => {
      for (const e of rows) {
        const rid = e.resource?.id;
        if (!e.id) throw invalid("an entitlement", "its id is empty");
        if (!rid?.resourceType || !rid.resource) throw invalid(`entitlement ${e.id}`, "its resource id is not set");
        ent.run(rid.resourceType, rid.resource, e.id, encode(EntitlementSchema, e), syncId, at);
      }
    }),
    grants: (rows: Grant[], at: string) => {
      insertGrants(rows, at);
      // Only once the page is committed (a failed page rolls back as a whole).
      for (const g of rows) if (!grantIds.add(g.id)) repeatedGrants.add(g.id);
    },
  };
}

function encode<Desc extends DescMessage>(schema: Desc, msg: MessageShape<Desc>): Buffer {
  return encodeDeterministic(schema, msg);
}

/**
 * As the Baton SDK's current writer stores grants: a GrantExpandable annotation with at least one
 * non-blank entitlement id moves out of `data` into the `expansion` column (readers that expand grants
 * find them there); other grants keep all their annotations in `data` and leave `expansion` NULL.
 */
function encodeGrant(g: Grant): { data: Buffer; expansion: Buffer | null } {
  const anns = g.annotations;
  let found = false;
  for (let i = 0; i < anns.length; i++) if (anns[i]!.typeUrl === GRANT_EXPANDABLE_URL) found = true;
  if (!found) return { data: encode(GrantSchema, g), expansion: null };
  const first = anns.find((a) => a.typeUrl === GRANT_EXPANDABLE_URL)!;
  const expandable = anyUnpack(first, GrantExpandableSchema);
  if (!expandable || !expandable.entitlementIds.some((id) => id.trim() !== "")) return { data: encode(GrantSchema, g), expansion: null };
  const kept: Any[] = anns.filter((a) => a.typeUrl !== GRANT_EXPANDABLE_URL);
  return { data: encode(GrantSchema, { ...g, annotations: kept }), expansion: encode(GrantExpandableSchema, expandable) };
}

// Grant expansion, as Baton's syncer does it before a sync is finished: a grant carrying GrantExpandable
// (kept in the `expansion` column) says "whoever holds one of these source entitlements also holds my
// entitlement". Every holder P of a source gets a grant on the destination with id
// `<destination entitlement id>:<P type>:<P id>`, marked GrantImmutable, whose `sources` name the source
// entitlement (is_direct false). A grant that already exists under that id (P also holds it directly) keeps
// its row and gains the source, plus its own entitlement id with is_direct true.
//
// Runs on the writer's working database in two phases around the deferred index build (see expandGrants).
// Chains (a derived grant that is itself a source) are followed by repeating the pass until nothing changes.
import type Database from "better-sqlite3";
import { create, fromBinary } from "@bufbuild/protobuf";
import { GrantExpandableSchema, GrantImmutableSchema } from "../gen/c1/connector/v2/annotations_pb.js";
import { EntitlementSchema, type Entitlement } from "../gen/c1/connector/v2/entitlement_pb.js";
import { GrantSchema, GrantSources_GrantSourceSchema, GrantSourcesSchema, type Grant } from "../gen/c1/connector/v2/grant_pb.js";
import { ResourceSchema } from "../gen/c1/connector/v2/resource_pb.js";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { encodeDeterministic } from "../wire.js";
import { C1zInvalidRecordError } from "./errors.js";
import type { IdHashSet } from "./id-set.js";

interface Edge {
  source: string;
  destination: Entitlement;
  shallow: boolean;
  principalTypes: Set<string>;
}

export interface ExpansionResult {
  /** Grants created by expansion. */
  created: number;
  /** Existing grants that gained a source. */
  merged: number;
}

const MAX_PASSES = 32;

/**
 * Phase 1, before the grants' indexes exist: creates the derived grants. Ids are checked against
 * `knownIds` (every grant id written so far) instead of an index, so the ~1M inserts of a large org
 * touch no index; a derived id that is already known is only noted, and `mergeSources` (phase 2, once the
 * unique index exists) adds the source to that grant.
 */
export function expandGrants(db: Database.Database, syncId: string, file: string, at: () => string, knownIds: IdHashSet): PendingMerges {
  const edges = loadEdges(db, syncId, file);
  const pending: PendingMerges = { created: 0, merges: new Map() };
  if (edges.length === 0) return pending;
  const sources = new Set(edges.map((e) => e.source));
  // No index on entitlement_id yet: one scan per source entitlement, shared by all its edges.
  const holdersOf = db.prepare("select principal_resource_type_id as type, principal_resource_id as id, data from v1_grants where sync_id = ? and entitlement_id = ?");
  const insert = db.prepare(
    `insert into v1_grants (resource_type_id, resource_id, entitlement_id, principal_resource_type_id, principal_resource_id,
       external_id, data, sync_id, discovered_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const immutable = anyPack(GrantImmutableSchema, create(GrantImmutableSchema));
  let stale = new Set(sources);
  const holders = new Map<string, { type: string; id: string; grant: Grant }[]>();
  for (let pass = 0; pass < MAX_PASSES && stale.size > 0; pass++) {
    for (const src of stale) {
      const rows = holdersOf.all(syncId, src) as { type: string; id: string; data: Buffer }[];
      holders.set(src, rows.map((r) => ({ type: r.type, id: r.id, grant: fromBinary(GrantSchema, r.data) })));
    }
    const changed = new Set<string>();
    db.transaction(() => {
      for (const edge of edges) {
        const dest = edge.destination;
        const destResource = dest.resource!.id!;
        for (const h of holders.get(edge.source) ?? []) {
          if (edge.principalTypes.size > 0 && !edge.principalTypes.has(h.type)) continue;
          if (edge.shallow && !isDirect(h.grant)) continue;
          const id = `${dest.id}:${h.type}:${h.id}`;
          if (!knownIds.add(id)) {
            let srcs = pending.merges.get(id);
            if (!srcs) pending.merges.set(id, (srcs = new Map()));
            if (srcs.has(edge.source)) continue;
            srcs.set(edge.source, { dest, principal: h.grant.principal, type: h.type, pid: h.id });
          } else {
            const g: Grant = create(GrantSchema, {
              entitlement: create(EntitlementSchema, { id: dest.id, resource: create(ResourceSchema, { id: destResource }) }),
              principal: h.grant.principal ?? create(ResourceSchema, { id: { resourceType: h.type, resource: h.id } }),
              id,
              annotations: [immutable],
            });
            g.sources = sourcesOf({ [edge.source]: { isDirect: false } });
            insert.run(destResource.resourceType, destResource.resource, dest.id, h.type, h.id, id, encodeDeterministic(GrantSchema, g), syncId, at());
            pending.created++;
          }
          if (sources.has(dest.id)) changed.add(dest.id);
        }
      }
    })();
    stale = changed;
  }
  // Expansion is done: nothing is left for a reader to expand again.
  db.prepare("update v1_grants set needs_expansion = 0 where sync_id = ? and needs_expansion = 1").run(syncId);
  return pending;
}

export interface PendingMerges {
  created: number;
  /** Derived grant id → source entitlement id → what a new grant would need (when the id proves unknown). */
  merges: Map<string, Map<string, { dest: Entitlement; principal: Grant["principal"]; type: string; pid: string }>>;
}

/** Phase 2, with the unique (external_id, sync_id) index built: existing grants gain their sources. */
export function mergeSources(db: Database.Database, syncId: string, at: () => string, pending: PendingMerges): ExpansionResult {
  const result: ExpansionResult = { created: pending.created, merged: 0 };
  if (pending.merges.size === 0) return result;
  const existing = db.prepare("select id, data from v1_grants where external_id = ? and sync_id = ?");
  const update = db.prepare("update v1_grants set data = ? where id = ?");
  const insert = db.prepare(
    `insert into v1_grants (resource_type_id, resource_id, entitlement_id, principal_resource_type_id, principal_resource_id,
       external_id, data, sync_id, discovered_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const immutable = anyPack(GrantImmutableSchema, create(GrantImmutableSchema));
  db.transaction(() => {
    for (const [id, srcs] of pending.merges) {
      const row = existing.get(id, syncId) as { id: number; data: Buffer } | undefined;
      if (!row) {
        // A hash collision in knownIds made a new id look known: create it now.
        const [first] = srcs.values();
        const destResource = first!.dest.resource!.id!;
        const g: Grant = create(GrantSchema, {
          entitlement: create(EntitlementSchema, { id: first!.dest.id, resource: create(ResourceSchema, { id: destResource }) }),
          principal: first!.principal ?? create(ResourceSchema, { id: { resourceType: first!.type, resource: first!.pid } }),
          id,
          annotations: [immutable],
        });
        g.sources = sourcesOf(Object.fromEntries([...srcs.keys()].map((k) => [k, { isDirect: false }])));
        insert.run(destResource.resourceType, destResource.resource, first!.dest.id, first!.type, first!.pid, id, encodeDeterministic(GrantSchema, g), syncId, at());
        result.created++;
        continue;
      }
      const g = fromBinary(GrantSchema, row.data);
      const map = g.sources?.sources ?? {};
      const merged: Record<string, { isDirect: boolean }> = {};
      if (Object.keys(map).length === 0) merged[g.entitlement?.id ?? ""] = { isDirect: true };
      for (const [k, v] of Object.entries(map)) merged[k] = { isDirect: v.isDirect };
      let added = false;
      for (const src of srcs.keys()) {
        if (merged[src]) continue;
        merged[src] = { isDirect: false };
        added = true;
      }
      if (!added) continue;
      g.sources = sourcesOf(merged);
      update.run(encodeDeterministic(GrantSchema, g), row.id);
      result.merged++;
    }
  })();
  return result;
}

function loadEdges(db: Database.Database, syncId: string, file: string): Edge[] {
  const rows = db.prepare("select external_id, principal_resource_type_id as ptype, principal_resource_id as pid, data, expansion from v1_grants where sync_id = ? and expansion is not null").all(syncId) as {
    external_id: string;
    ptype: string;
    pid: string;
    data: Buffer;
    expansion: Buffer;
  }[];
  const entitlement = db.prepare("select resource_type_id as type, resource_id as id from v1_entitlements where external_id = ? and sync_id = ?");
  const edges: Edge[] = [];
  for (const r of rows) {
    const exp = fromBinary(GrantExpandableSchema, r.expansion);
    const grant = fromBinary(GrantSchema, r.data);
    for (const source of exp.entitlementIds) {
      if (source.trim() === "") continue;
      const src = entitlement.get(source, syncId) as { type: string; id: string } | undefined;
      if (!src) continue; // unknown sources are skipped, as in the SDK
      if (src.type !== r.ptype || src.id !== r.pid) {
        throw new C1zInvalidRecordError(
          file,
          `cannot expand grant ${r.external_id} in ${file}: its source entitlement ${source} belongs to ${src.type}:${src.id}, not to the grant's principal ${r.ptype}:${r.pid}`,
        );
      }
      edges.push({ source, destination: grant.entitlement!, shallow: exp.shallow, principalTypes: new Set(exp.resourceTypeIds) });
    }
  }
  return edges;
}

function isDirect(g: Grant): boolean {
  const map = g.sources?.sources ?? {};
  return Object.keys(map).length === 0 || map[g.entitlement?.id ?? ""]?.isDirect === true;
}

function sourcesOf(map: Record<string, { isDirect: boolean }>) {
  const sources: Record<string, ReturnType<typeof create<typeof GrantSources_GrantSourceSchema>>> = {};
  for (const k of Object.keys(map).sort()) sources[k] = create(GrantSources_GrantSourceSchema, { isDirect: map[k]!.isDirect });
  return create(GrantSourcesSchema, { sources });
}

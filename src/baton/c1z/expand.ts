// Grant expansion, as Baton's syncer does it before a sync is finished: a grant carrying GrantExpandable
// (kept in the `expansion` column) says "whoever holds one of these source entitlements also holds my
// entitlement". Every holder P of a source gets a grant on the destination with id
// `<destination entitlement id>:<P type>:<P id>`, marked GrantImmutable, whose `sources` name the source
// entitlement (is_direct false). A grant that already exists under that id (P also holds it directly) keeps
// its row and gains the source, plus its own entitlement id with is_direct true.
//
// Runs on the writer's working database after the grants' unique index exists, so only the grants it
// creates or changes are touched; holders are streamed, never collected. Chains (a derived grant that is
// itself a source) are followed by repeating the pass until nothing changes.
import type Database from "better-sqlite3";
import { create, fromBinary } from "@bufbuild/protobuf";
import { GrantExpandableSchema, GrantImmutableSchema } from "../gen/c1/connector/v2/annotations_pb.js";
import { EntitlementSchema, type Entitlement } from "../gen/c1/connector/v2/entitlement_pb.js";
import { GrantSchema, GrantSources_GrantSourceSchema, GrantSourcesSchema, type Grant } from "../gen/c1/connector/v2/grant_pb.js";
import { ResourceSchema } from "../gen/c1/connector/v2/resource_pb.js";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { encodeDeterministic } from "../wire.js";
import { C1zInvalidRecordError } from "./errors.js";

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

export function expandGrants(db: Database.Database, syncId: string, file: string, at: string): ExpansionResult {
  const edges = loadEdges(db, syncId, file);
  const result: ExpansionResult = { created: 0, merged: 0 };
  if (edges.length === 0) return result;
  const sources = new Set(edges.map((e) => e.source));
  const holders = db.prepare("select principal_resource_type_id as type, principal_resource_id as id, data from v1_grants where sync_id = ? and entitlement_id = ? order by id");
  const existing = db.prepare("select id, data from v1_grants where external_id = ? and sync_id = ?");
  const update = db.prepare("update v1_grants set data = ? where id = ?");
  const insert = db.prepare(
    `insert into v1_grants (resource_type_id, resource_id, entitlement_id, principal_resource_type_id, principal_resource_id,
       external_id, data, sync_id, discovered_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const immutable = anyPack(GrantImmutableSchema, create(GrantImmutableSchema));
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let changedSource = false;
    db.transaction(() => {
      for (const edge of edges) {
        const dest = edge.destination;
        const destResource = dest.resource!.id!;
        // Collected per edge (the holders of one entitlement), because writing while iterating the
        // same table is not allowed; grants on one entitlement are one role's holders, not the file.
        const rows = holders.all(syncId, edge.source) as { type: string; id: string; data: Buffer }[];
        for (const h of rows) {
          if (edge.principalTypes.size > 0 && !edge.principalTypes.has(h.type)) continue;
          const holder = fromBinary(GrantSchema, h.data);
          if (edge.shallow && !isDirect(holder)) continue;
          const id = `${dest.id}:${h.type}:${h.id}`;
          const row = existing.get(id, syncId) as { id: number; data: Buffer } | undefined;
          if (row) {
            const g = fromBinary(GrantSchema, row.data);
            const map = g.sources?.sources ?? {};
            if (map[edge.source]) continue;
            const merged: Record<string, { isDirect: boolean }> = {};
            if (Object.keys(map).length === 0) merged[dest.id] = { isDirect: true };
            for (const [k, v] of Object.entries(map)) merged[k] = { isDirect: v.isDirect };
            merged[edge.source] = { isDirect: false };
            g.sources = sourcesOf(merged);
            update.run(encodeDeterministic(GrantSchema, g), row.id);
            result.merged++;
          } else {
            const g: Grant = create(GrantSchema, {
              entitlement: create(EntitlementSchema, { id: dest.id, resource: create(ResourceSchema, { id: destResource }) }),
              principal: holder.principal ?? create(ResourceSchema, { id: { resourceType: h.type, resource: h.id } }),
              id,
              annotations: [immutable],
            });
            g.sources = sourcesOf({ [edge.source]: { isDirect: false } });
            insert.run(destResource.resourceType, destResource.resource, dest.id, h.type, h.id, id, encodeDeterministic(GrantSchema, g), syncId, at);
            result.created++;
          }
          if (sources.has(dest.id)) changedSource = true;
        }
      }
    })();
    if (!changedSource) break;
  }
  // Expansion is done: nothing is left for a reader to expand again.
  db.prepare("update v1_grants set needs_expansion = 0 where sync_id = ? and needs_expansion = 1").run(syncId);
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

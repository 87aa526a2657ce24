// What changed between two syncs, with memory that follows the number of changes, not the size of the
// files: SQLite matches the rows of both (see diffReaders); only rows that differ are decoded.
//
// A person's grants change in pairs when LangSmith changes a role (it keeps one role per workspace and one
// org role): a removed and an added role grant of the same person in the same workspace (or in the
// organization) are shown as one role change, and the workspace `member` grant that comes and goes with a
// role is folded into that role's line.
import { fromBinary } from "@bufbuild/protobuf";
import Database from "better-sqlite3";
import { C1zReader } from "../baton/c1z/reader.js";
import { GrantSchema, ResourceSchema, compareUtf8 } from "../baton/model.js";
import { ORG_ROLE, USER, WORKSPACE, WORKSPACE_ROLE } from "../connector/ids.js";
import { kindOf } from "./access-model.js";

export interface SyncRef {
  source: string;
  syncId: string;
  endedAt?: string;
}

export interface ResourceChange {
  type: string;
  id: string;
  name: string;
}

export interface AccessChange {
  change: "added" | "removed" | "changed";
  person: { type: string; id: string; name: string };
  /** The workspace, or { type: "organization" } for org roles, or the entitlement's resource otherwise. */
  scope: { type: string; id: string; name: string };
  /** Role (or entitlement) held before / after; only `to` for added, only `from` for removed. */
  from?: string;
  to?: string;
  /** Access through grant expansion only (e.g. as Organization Admin), with what it came through. */
  implicit: boolean;
  via?: string;
  grants: { added: string[]; removed: string[] };
}

export interface DiffResult {
  old: SyncRef;
  new: SyncRef;
  equal: boolean;
  summary: {
    grantsAdded: number;
    grantsRemoved: number;
    roleChanges: number;
    peopleAdded: number;
    peopleRemoved: number;
    workspacesAdded: number;
    workspacesRemoved: number;
  };
  resources: { added: ResourceChange[]; removed: ResourceChange[] };
  changes: AccessChange[];
}

interface DeltaGrant {
  id: string;
  entitlement: string;
  entType: string;
  entResource: string;
  principalType: string;
  principalId: string;
  implicit: boolean;
  via: string[];
  side: "added" | "removed";
}

export async function diffFiles(oldFile: string, newFile: string): Promise<DiffResult> {
  const a = await C1zReader.open(oldFile);
  let b: C1zReader | undefined;
  try {
    b = await C1zReader.open(newFile);
    return diffReaders(a, b);
  } finally {
    a.close();
    b?.close();
  }
}

export function diffReaders(a: C1zReader, b: C1zReader): DiffResult {
  const resources = { added: [] as ResourceChange[], removed: [] as ResourceChange[] };
  const delta: DeltaGrant[] = [];
  const decodeResource = (r: DeltaRow): ResourceChange => {
    const res = fromBinary(ResourceSchema, r.data);
    return { type: r.resource_type_id, id: res.id?.resource ?? r.external_id.slice(r.resource_type_id.length + 1), name: res.displayName };
  };
  const toDelta = (r: DeltaRow, side: DeltaGrant["side"], data = r.data): DeltaGrant => {
    const { kind, via } = kindOf(fromBinary(GrantSchema, data));
    return {
      id: r.external_id,
      entitlement: r.entitlement_id!,
      entType: r.resource_type_id,
      entResource: r.resource_id!,
      principalType: r.principal_type!,
      principalId: r.principal_id!,
      implicit: kind === "implicit",
      via,
      side,
    };
  };
  // SQLite does the join: the newer file's database is attached to a connection on the older one, rows
  // are matched through the (external_id, sync_id) indexes and blobs compared in C, so only rows that
  // exist on one side or differ reach JavaScript. Memory is SQLite's page cache plus the changes.
  const db = new Database(a.dbPath, { readonly: true, fileMustExist: true });
  try {
    db.prepare("attach database ? as newer").run(b.dbPath);
    const aSync = a.selectedSync()?.syncId;
    const bSync = b.selectedSync()?.syncId;
    const scope = (alias: string, id: string | undefined) => (id === undefined ? "1 = 1" : `${alias}.sync_id = '${id.replace(/'/g, "''")}'`);
    const oneSided = (table: string, cols: string, from: "main" | "newer") => {
      const [mine, other, mineSync, otherSync] = from === "main" ? ["main", "newer", aSync, bSync] : ["newer", "main", bSync, aSync];
      return db.prepare(
        `select ${cols} from ${mine}.${table} x where ${scope("x", mineSync)}
           and not exists (select 1 from ${other}.${table} y where y.external_id = x.external_id and ${scope("y", otherSync)})`,
      );
    };
    const resourceCols = "x.external_id, x.resource_type_id, x.data";
    for (const r of oneSided("v1_resources", resourceCols, "main").iterate() as Iterable<DeltaRow>) resources.removed.push(decodeResource(r));
    for (const r of oneSided("v1_resources", resourceCols, "newer").iterate() as Iterable<DeltaRow>) resources.added.push(decodeResource(r));
    const grantCols =
      "x.external_id, x.entitlement_id, x.resource_type_id, x.resource_id, x.principal_resource_type_id as principal_type, x.principal_resource_id as principal_id, x.data";
    for (const r of oneSided("v1_grants", grantCols, "main").iterate() as Iterable<DeltaRow>) delta.push(toDelta(r, "removed"));
    for (const r of oneSided("v1_grants", grantCols, "newer").iterate() as Iterable<DeltaRow>) delta.push(toDelta(r, "added"));
    // Same grant id, different bytes: only a change of basis (explicit ↔ implicit) matters here.
    const changed = db.prepare(
      `select ${grantCols}, y.data as newer_data from main.v1_grants x join newer.v1_grants y on y.external_id = x.external_id and ${scope("y", bSync)}
         where ${scope("x", aSync)} and x.data <> y.data`,
    );
    for (const r of changed.iterate() as Iterable<DeltaRow & { newer_data: Buffer }>) {
      const before = toDelta(r, "removed");
      const after = toDelta(r, "added", r.newer_data);
      if (before.implicit !== after.implicit) delta.push(before, after);
    }
  } finally {
    db.close();
  }

  const names = new Names(a, b);
  const changes = pairChanges(delta, names);
  const count = (list: ResourceChange[], type: string) => list.filter((r) => r.type === type).length;
  const summary = {
    grantsAdded: delta.filter((d) => d.side === "added").length,
    grantsRemoved: delta.filter((d) => d.side === "removed").length,
    roleChanges: changes.filter((c) => c.change === "changed").length,
    peopleAdded: count(resources.added, USER),
    peopleRemoved: count(resources.removed, USER),
    workspacesAdded: count(resources.added, WORKSPACE),
    workspacesRemoved: count(resources.removed, WORKSPACE),
  };
  const ref = (r: C1zReader): SyncRef => ({ source: r.path, syncId: r.selectedSync()?.syncId ?? "", endedAt: r.selectedSync()?.endedAt?.toISOString() });
  return {
    old: ref(a),
    new: ref(b),
    equal: delta.length === 0 && resources.added.length === 0 && resources.removed.length === 0,
    summary,
    resources,
    changes,
  };
}

interface DeltaRow {
  external_id: string;
  resource_type_id: string;
  data: Buffer;
  entitlement_id?: string;
  resource_id?: string;
  principal_type?: string;
  principal_id?: string;
}

/** Display names and workspace-role facts, looked up (in the newer file first) only for what changed. */
class Names {
  private readonly cache = new Map<string, { name: string; parent?: string; role?: string }>();
  constructor(
    private readonly a: C1zReader,
    private readonly b: C1zReader,
  ) {}

  of(type: string, id: string): { name: string; parent?: string; role?: string } {
    const key = `${type}:${id}`;
    let v = this.cache.get(key);
    if (!v) {
      const r = this.b.getResource({ resourceType: type, resource: id } as never) ?? this.a.getResource({ resourceType: type, resource: id } as never);
      const profile = r?.profile ?? {};
      const role = typeof profile.display_name === "string" ? profile.display_name : r?.displayName.replace(/\s*\([^)]*\)$/, "");
      v = { name: r?.displayName || id, parent: r?.parentResourceId?.resource || undefined, role: role || undefined };
      if (type === USER && typeof profile.email === "string" && profile.email && profile.email !== v.name) v.name = `${v.name} <${profile.email}>`;
      this.cache.set(key, v);
    }
    return v;
  }
}

function pairChanges(delta: DeltaGrant[], names: Names): AccessChange[] {
  // Group by person + scope + basis; within a group, role grants pair up into changes.
  const groups = new Map<string, { person: AccessChange["person"]; scope: AccessChange["scope"]; implicit: boolean; via: string; roles: DeltaGrant[]; members: DeltaGrant[] }>();
  for (const d of delta) {
    let scope: AccessChange["scope"];
    let isMember = false;
    if (d.entType === WORKSPACE_ROLE) {
      const ws = names.of(WORKSPACE_ROLE, d.entResource).parent ?? d.entResource.split(":")[0]!;
      scope = { type: WORKSPACE, id: ws, name: names.of(WORKSPACE, ws).name };
    } else if (d.entType === ORG_ROLE) {
      scope = { type: "organization", id: "", name: "organization" };
    } else if (d.entType === WORKSPACE && d.entitlement.endsWith(":member")) {
      scope = { type: WORKSPACE, id: d.entResource, name: names.of(WORKSPACE, d.entResource).name };
      isMember = true;
    } else {
      scope = { type: d.entType, id: d.entResource, name: names.of(d.entType, d.entResource).name };
    }
    const via = d.via.map((v) => names.of(v.split(":")[0]!, v.split(":").slice(1, -1).join(":")).name).join(", ");
    const key = `${d.principalType}:${d.principalId}|${scope.type}:${scope.id}|${d.implicit ? 1 : 0}`;
    let g = groups.get(key);
    if (!g) {
      g = { person: { type: d.principalType, id: d.principalId, name: names.of(d.principalType, d.principalId).name }, scope, implicit: d.implicit, via, roles: [], members: [] };
      groups.set(key, g);
    }
    (isMember ? g.members : g.roles).push(d);
  }
  const out: AccessChange[] = [];
  const roleOf = (d: DeltaGrant) => (d.entType === WORKSPACE_ROLE || d.entType === ORG_ROLE ? (names.of(d.entType, d.entResource).role ?? d.entitlement) : d.entitlement);
  for (const g of groups.values()) {
    const removed = g.roles.filter((d) => d.side === "removed");
    const added = g.roles.filter((d) => d.side === "added");
    const members = { added: g.members.filter((d) => d.side === "added").map((d) => d.id), removed: g.members.filter((d) => d.side === "removed").map((d) => d.id) };
    const base = { person: g.person, scope: g.scope, implicit: g.implicit, ...(g.via ? { via: g.via } : {}) };
    const n = Math.min(removed.length, added.length);
    for (let i = 0; i < n; i++) {
      out.push({ ...base, change: "changed", from: roleOf(removed[i]!), to: roleOf(added[i]!), grants: { added: [added[i]!.id], removed: [removed[i]!.id] } });
    }
    let membersUsed = false;
    const take = (side: "added" | "removed") => {
      if (membersUsed) return [];
      membersUsed = true;
      const m = members[side];
      members[side] = [];
      return m;
    };
    for (const d of removed.slice(n)) out.push({ ...base, change: "removed", from: roleOf(d), grants: { added: [], removed: [d.id, ...take("removed")] } });
    membersUsed = false;
    for (const d of added.slice(n)) out.push({ ...base, change: "added", to: roleOf(d), grants: { added: [d.id, ...take("added")], removed: [] } });
    for (const id of members.added) out.push({ ...base, change: "added", to: "member", grants: { added: [id], removed: [] } });
    for (const id of members.removed) out.push({ ...base, change: "removed", from: "member", grants: { added: [], removed: [id] } });
  }
  out.sort((x, y) => compareUtf8(x.person.name, y.person.name) || compareUtf8(x.scope.name, y.scope.name) || compareUtf8(x.change, y.change));
  return out;
}

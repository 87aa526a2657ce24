// Who has what, read from a .c1z: people, workspaces, each person's role in each workspace (explicit, or
// implicit through a grant made by Baton's grant expansion), org roles, and every other resource type listed
// generically with its profile fields (pending invitations, API keys and whatever else a sync holds).
//
// Works on any v1 file with this connector's resource types, whoever wrote it: it relies only on ids, the
// workspace role's parent, traits and profiles, and on `sources` for implicit access.
import { C1zReader } from "../baton/c1z/reader.js";
import {
  type Grant,
  type JsonValue,
  type Resource,
  Status_ResourceStatus,
  UserTraitSchema,
  UserTrait_Status_Status,
  getAnnotation,
  timestampDate,
} from "../baton/model.js";
import { ORG_ROLE, USER, WORKSPACE, WORKSPACE_ROLE } from "../connector/ids.js";

export interface Person {
  id: string;
  name: string;
  email: string;
  disabled: boolean;
  orgRoles: string[];
}

export interface Workspace {
  id: string;
  name: string;
  handle: string;
}

/** One role of one person in one workspace. */
export interface AccessEntry {
  person: number;
  workspace: number;
  role: string;
  /** explicit: a direct grant; implicit: only through expansion (e.g. as Organization Admin); both. */
  kind: "explicit" | "implicit" | "both";
  /** Entitlement ids the implicit part comes from. */
  via: string[];
}

export interface OtherResources {
  typeId: string;
  typeName: string;
  columns: string[];
  rows: string[][];
}

export interface AccessModel {
  source: string;
  syncId: string;
  startedAt?: string;
  endedAt?: string;
  people: Person[];
  workspaces: Workspace[];
  entries: AccessEntry[];
  /** Entitlement id → display name, for the sources of implicit access. */
  viaNames: Record<string, string>;
  /** Grants held by roles rather than people (the rules behind implicit access). */
  roleRules: { entitlement: string; heldBy: string; heldByName: string }[];
  others: OtherResources[];
  counts: { resources: number; grants: number };
}

const CORE_TYPES = new Set([USER, WORKSPACE, ORG_ROLE, WORKSPACE_ROLE]);

export async function loadAccessModel(file: string): Promise<AccessModel> {
  const reader = await C1zReader.open(file);
  try {
    return buildModel(reader, file);
  } finally {
    reader.close();
  }
}

function buildModel(reader: C1zReader, file: string): AccessModel {
  const sync = reader.selectedSync();
  const people: Person[] = [];
  const personIndex = new Map<string, number>();
  for (const r of reader.resources({ resourceTypeId: USER })) {
    personIndex.set(r.id!.resource, people.length);
    people.push(personOf(r));
  }
  const workspaces: Workspace[] = [];
  const workspaceIndex = new Map<string, number>();
  for (const r of reader.resources({ resourceTypeId: WORKSPACE })) {
    workspaceIndex.set(r.id!.resource, workspaces.length);
    workspaces.push({ id: r.id!.resource, name: r.displayName || r.id!.resource, handle: str(r.profile?.handle) });
  }
  const orgRoleNames = new Map<string, string>();
  for (const r of reader.resources({ resourceTypeId: ORG_ROLE })) orgRoleNames.set(r.id!.resource, roleName(r));
  const wsRoles = new Map<string, { workspace: string; role: string }>();
  for (const r of reader.resources({ resourceTypeId: WORKSPACE_ROLE })) {
    const parent = r.parentResourceId?.resource || str(r.profile?.workspace_id);
    wsRoles.set(r.id!.resource, { workspace: parent, role: roleName(r) });
  }
  const viaNames: Record<string, string> = {};
  for (const [id, name] of orgRoleNames) viaNames[`${ORG_ROLE}:${id}:assigned`] = name;

  const entries: AccessEntry[] = [];
  const memberships = new Map<string, number>(); // "person:workspace" of workspace `member` grants without a role grant yet
  const withRole = new Set<string>();
  const roleRules: AccessModel["roleRules"] = [];
  let grantCount = 0;
  for (const g of reader.grants()) {
    grantCount++;
    const rid = g.entitlement?.resource?.id;
    const pid = g.principal?.id;
    if (!rid || !pid) continue;
    if (pid.resourceType !== USER) {
      if (rid.resourceType === WORKSPACE_ROLE) roleRules.push({
        entitlement: g.entitlement!.id,
        heldBy: `${pid.resourceType}:${pid.resource}`,
        heldByName: (pid.resourceType === ORG_ROLE ? orgRoleNames.get(pid.resource) : undefined) ?? `${pid.resourceType}:${pid.resource}`,
      });
      continue;
    }
    const person = personIndex.get(pid.resource);
    if (person === undefined) continue;
    if (rid.resourceType === ORG_ROLE) {
      people[person]!.orgRoles.push(orgRoleNames.get(rid.resource) ?? rid.resource);
    } else if (rid.resourceType === WORKSPACE_ROLE) {
      const role = wsRoles.get(rid.resource);
      const workspace = role ? workspaceIndex.get(role.workspace) : undefined;
      if (!role || workspace === undefined) continue;
      const { kind, via } = kindOf(g);
      entries.push({ person, workspace, role: role.role, kind, via });
      if (kind !== "implicit") withRole.add(`${person}:${workspace}`);
    } else if (rid.resourceType === WORKSPACE) {
      const workspace = workspaceIndex.get(rid.resource);
      if (workspace !== undefined) memberships.set(`${person}:${workspace}`, 1);
    }
  }
  // A membership without any role grant still is access: shown as "Member".
  for (const key of memberships.keys()) {
    if (withRole.has(key)) continue;
    const [p, w] = key.split(":").map(Number);
    entries.push({ person: p!, workspace: w!, role: "Member", kind: "explicit", via: [] });
  }

  const others: OtherResources[] = [];
  let resourceCount = people.length + workspaces.length + orgRoleNames.size + wsRoles.size;
  for (const rt of reader.resourceTypes()) {
    if (CORE_TYPES.has(rt.id)) continue;
    const rows: Record<string, string>[] = [];
    const columns = new Set<string>();
    for (const r of reader.resources({ resourceTypeId: rt.id })) {
      resourceCount++;
      const row: Record<string, string> = { id: r.id!.resource, name: r.displayName };
      if (r.parentResourceId?.resource) row.parent = `${r.parentResourceId.resourceType}:${r.parentResourceId.resource}`;
      const created = r.createdAt ? timestampDate(r.createdAt).toISOString() : "";
      if (created) row.created_at = created;
      for (const [k, v] of Object.entries(r.profile ?? {})) row[k] = flat(v as JsonValue);
      for (const k of Object.keys(row)) columns.add(k);
      rows.push(row);
    }
    const cols = [...columns];
    others.push({ typeId: rt.id, typeName: rt.displayName || rt.id, columns: cols, rows: rows.map((r) => cols.map((c) => r[c] ?? "")) });
  }
  return {
    source: file,
    syncId: sync?.syncId ?? "",
    startedAt: sync?.startedAt?.toISOString(),
    endedAt: sync?.endedAt?.toISOString(),
    people,
    workspaces,
    entries,
    viaNames,
    roleRules,
    others,
    counts: { resources: resourceCount, grants: grantCount },
  };
}

/** explicit / implicit / both from a grant's `sources` (set by grant expansion). */
export function kindOf(g: Grant): { kind: AccessEntry["kind"]; via: string[] } {
  const sources = g.sources?.sources ?? {};
  const ids = Object.keys(sources);
  if (ids.length === 0) return { kind: "explicit", via: [] };
  const own = g.entitlement?.id ?? "";
  const via = ids.filter((id) => id !== own);
  if (via.length === 0) return { kind: "explicit", via: [] };
  return { kind: sources[own]?.isDirect ? "both" : "implicit", via };
}

function personOf(r: Resource): Person {
  const trait = getAnnotation(r.annotations, UserTraitSchema);
  const email = str(r.profile?.email) || trait?.emails.find((e) => e.isPrimary)?.address || trait?.emails[0]?.address || trait?.login || "";
  const disabled =
    r.status?.status === Status_ResourceStatus.DISABLED || trait?.status?.status === UserTrait_Status_Status.DISABLED || trait?.status?.status === UserTrait_Status_Status.DELETED;
  return { id: r.id!.resource, name: r.displayName || email || r.id!.resource, email, disabled, orgRoles: [] };
}

/** A role's own name ("Admin"), not the resource's display name ("Admin (Production)"). */
function roleName(r: Resource): string {
  return str(r.profile?.display_name) || str(r.profile?.name) || r.displayName.replace(/\s*\([^)]*\)$/, "") || r.id!.resource;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function flat(v: JsonValue): string {
  if (v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

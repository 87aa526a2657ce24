// The compact form of an AccessModel embedded in the HTML report: names interned into tables, each
// person's access as a flat number list, and an Organization Admin's implicit Admin in every workspace
// stored once ("everywhere") instead of once per workspace.
import type { AccessModel } from "./access-model.js";
import type { DiffResult } from "./diff.js";

export const KIND_CODES = { explicit: 0, implicit: 1, both: 2 } as const;
/** Workspace index meaning "every workspace" in a person's access list. */
export const EVERYWHERE = -1;

export interface ReportData {
  meta: { source: string; syncId: string; startedAt?: string; endedAt?: string; generatedAt: string; resources: number; grants: number };
  /** Role names (workspace roles and "Member"). */
  roles: string[];
  orgRoles: string[];
  /** Names of the entitlements implicit access comes through. */
  via: string[];
  /** [id, name, handle] */
  ws: [string, string, string][];
  /** [id, name, email, disabled 0/1, org role indexes] */
  people: [string, string, string, number, number[]][];
  /** Per person: [workspace, role * 4 + kind, via index (-1 none)] triples, flat. */
  access: number[][];
  rules: AccessModel["roleRules"];
  others: AccessModel["others"];
  diff?: DiffResult;
}

export function toReportData(model: AccessModel, now: Date, diff?: DiffResult): ReportData {
  const roles = new Interner();
  const orgRoles = new Interner();
  const via = new Interner();
  const people: ReportData["people"] = model.people.map((p) => [p.id, p.name, p.email, p.disabled ? 1 : 0, p.orgRoles.map((r) => orgRoles.id(r))]);
  const perPerson: number[][] = model.people.map(() => []);
  for (const e of model.entries) {
    const v = e.via.length > 0 ? via.id(e.via.map((id) => model.viaNames[id] ?? id).join(", ")) : -1;
    perPerson[e.person]!.push(e.workspace, roles.id(e.role) * 4 + KIND_CODES[e.kind], v);
  }
  const wsCount = model.workspaces.length;
  const access = perPerson.map((list) => compactEverywhere(list, wsCount));
  return {
    meta: {
      source: model.source,
      syncId: model.syncId,
      startedAt: model.startedAt,
      endedAt: model.endedAt,
      generatedAt: now.toISOString(),
      resources: model.counts.resources,
      grants: model.counts.grants,
    },
    roles: roles.values,
    orgRoles: orgRoles.values,
    via: via.values,
    ws: model.workspaces.map((w) => [w.id, w.name, w.handle]),
    people,
    access,
    rules: model.roleRules,
    others: model.others,
    diff,
  };
}

/**
 * When one implicit (role, via) covers every workspace, its entries become one EVERYWHERE triple; a
 * "both" entry of that role keeps only its explicit part.
 */
function compactEverywhere(list: number[], wsCount: number): number[] {
  if (wsCount === 0) return list;
  const covered = new Map<string, Set<number>>();
  for (let i = 0; i < list.length; i += 3) {
    const kind = list[i + 1]! % 4;
    if (kind === KIND_CODES.explicit) continue;
    const key = `${list[i + 1]! - kind}:${list[i + 2]}`;
    let s = covered.get(key);
    if (!s) covered.set(key, (s = new Set()));
    s.add(list[i]!);
  }
  const everywhere = [...covered.entries()].filter(([, s]) => s.size === wsCount).map(([k]) => k);
  if (everywhere.length === 0) return list;
  const out: number[] = [];
  const drop = new Set(everywhere);
  for (let i = 0; i < list.length; i += 3) {
    const code = list[i + 1]!;
    const kind = code % 4;
    const key = `${code - kind}:${list[i + 2]}`;
    if (kind === KIND_CODES.implicit && drop.has(key)) continue;
    if (kind === KIND_CODES.both && drop.has(key)) out.push(list[i]!, code - kind, -1);
    else out.push(list[i]!, code, list[i + 2]!);
  }
  for (const key of everywhere) {
    const [base, v] = key.split(":").map(Number);
    out.push(EVERYWHERE, base! + KIND_CODES.implicit, v!);
  }
  return out;
}

class Interner {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  id(v: string): number {
    let i = this.index.get(v);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(v);
      this.index.set(v, i);
    }
    return i;
  }
}

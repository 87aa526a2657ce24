// The report as CSV (one row per person per workspace role; people without any workspace get one row) and
// as JSON (people with their access, workspaces, other resource types, and the diff when asked).
import type { AccessModel } from "./access-model.js";
import type { DiffResult } from "./diff.js";

export const CSV_COLUMNS = ["person_id", "name", "email", "status", "org_roles", "workspace_id", "workspace", "role", "access", "via"] as const;

export function toCsv(model: AccessModel): string {
  const out: string[] = [CSV_COLUMNS.join(",")];
  const byPerson = entriesByPerson(model);
  model.people.forEach((p, i) => {
    const base = [p.id, p.name, p.email, p.disabled ? "disabled" : "active", p.orgRoles.join("; ")];
    const list = byPerson[i] ?? [];
    if (list.length === 0) out.push(csvRow([...base, "", "", "", "", ""]));
    for (const e of list) {
      const ws = model.workspaces[e.workspace]!;
      out.push(csvRow([...base, ws.id, ws.name, e.role, e.kind, e.via.map((v) => model.viaNames[v] ?? v).join("; ")]));
    }
  });
  return `${out.join("\r\n")}\r\n`;
}

export function toJson(model: AccessModel, diff?: DiffResult): string {
  const byPerson = entriesByPerson(model);
  const doc = {
    source: model.source,
    syncId: model.syncId,
    syncStartedAt: model.startedAt,
    syncedAt: model.endedAt,
    summary: {
      people: model.people.length,
      disabled: model.people.filter((p) => p.disabled).length,
      workspaces: model.workspaces.length,
      explicit: model.entries.filter((e) => e.kind !== "implicit").length,
      implicit: model.entries.filter((e) => e.kind !== "explicit").length,
    },
    people: model.people.map((p, i) => ({
      id: p.id,
      name: p.name,
      email: p.email,
      status: p.disabled ? "disabled" : "active",
      orgRoles: p.orgRoles,
      access: (byPerson[i] ?? []).map((e) => ({
        workspaceId: model.workspaces[e.workspace]!.id,
        workspace: model.workspaces[e.workspace]!.name,
        role: e.role,
        access: e.kind,
        via: e.via.map((v) => model.viaNames[v] ?? v),
      })),
    })),
    workspaces: model.workspaces,
    implicitRules: model.roleRules,
    others: Object.fromEntries(
      model.others.map((o) => [o.typeId, { name: o.typeName, items: o.rows.map((r) => Object.fromEntries(o.columns.map((c, i) => [c, r[i]]))) }]),
    ),
    ...(diff ? { changes: diff } : {}),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function entriesByPerson(model: AccessModel): AccessModel["entries"][] {
  const out: AccessModel["entries"][] = [];
  for (const e of model.entries) (out[e.person] ??= []).push(e);
  for (const list of out) list?.sort((a, b) => model.workspaces[a.workspace]!.name.localeCompare(model.workspaces[b.workspace]!.name) || a.role.localeCompare(b.role));
  return out;
}

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula. */
function csvRow(cells: string[]): string {
  return cells
    .map((c) => {
      const safe = /^[=+\-@\t\r]/.test(c) ? `'${c}` : c;
      return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    })
    .join(",");
}

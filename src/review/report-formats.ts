// The report as CSV (one row per person per workspace role; people without any workspace get one row) and
// as JSON (people with their access, workspaces, other resource types, and the diff when asked).
import type { AccessModel } from "./access-model.js";
import type { DiffResult } from "./diff.js";

export const CSV_COLUMNS = ["person_id", "name", "email", "status", "org_roles", "workspace_id", "workspace", "role", "access", "via"] as const;

/** CSV in chunks of rows, so a 50,000 × 1,000 org's ~200 MB never sits in memory as one string. */
export function* csvChunks(model: AccessModel): Generator<string> {
  let buf: string[] = [CSV_COLUMNS.join(",")];
  const byPerson = entriesByPerson(model);
  for (let i = 0; i < model.people.length; i++) {
    const p = model.people[i]!;
    const base = [p.id, p.name, p.email, p.disabled ? "disabled" : "active", p.orgRoles.join("; ")];
    const list = byPerson[i] ?? [];
    if (list.length === 0) buf.push(csvRow([...base, "", "", "", "", ""]));
    for (const e of list) {
      const ws = model.workspaces[e.workspace]!;
      buf.push(csvRow([...base, ws.id, ws.name, e.role, e.kind, e.via.map((v) => model.viaNames[v] ?? v).join("; ")]));
    }
    if (buf.length >= 5000) {
      yield `${buf.join("\r\n")}\r\n`;
      buf = [];
    }
  }
  if (buf.length > 0) yield `${buf.join("\r\n")}\r\n`;
}

/** JSON in chunks: the document's head, then one person at a time, then the rest. */
export function* jsonChunks(model: AccessModel, diff?: DiffResult): Generator<string> {
  const byPerson = entriesByPerson(model);
  const head = {
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
  };
  const open = JSON.stringify(head, null, 2);
  yield `${open.slice(0, -2)},\n  "people": [`;
  let buf: string[] = [];
  for (let i = 0; i < model.people.length; i++) {
    const p = model.people[i]!;
    const person = {
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
    };
    buf.push(`${i === 0 ? "" : ","}\n    ${JSON.stringify(person)}`);
    if (buf.length >= 1000) {
      yield buf.join("");
      buf = [];
    }
  }
  yield `${buf.join("")}\n  ],\n`;
  const tail = {
    workspaces: model.workspaces,
    implicitRules: model.roleRules,
    others: Object.fromEntries(
      model.others.map((o) => [o.typeId, { name: o.typeName, items: o.rows.map((r) => Object.fromEntries(o.columns.map((c, i) => [c, r[i]]))) }]),
    ),
    ...(diff ? { changes: diff } : {}),
  };
  yield `${JSON.stringify(tail, null, 2).slice(2)}\n`;
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

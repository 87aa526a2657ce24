// The terminal form of a diff: a summary, then the changes grouped by person and by workspace. Implicit
// changes (an Organization Admin's Admin in every workspace) are summarised per person, not listed per
// workspace, so promoting one Org Admin in a 1,000-workspace org is one line.
import type { AccessChange, DiffResult } from "./diff.js";

export function formatDiffText(d: DiffResult): string {
  const lines: string[] = [];
  lines.push(`old: ${d.old.source} (sync ${d.old.syncId}${d.old.endedAt ? `, ${d.old.endedAt}` : ""})`);
  lines.push(`new: ${d.new.source} (sync ${d.new.syncId}${d.new.endedAt ? `, ${d.new.endedAt}` : ""})`);
  if (d.equal) {
    lines.push("no changes");
    return `${lines.join("\n")}\n`;
  }
  const s = d.summary;
  lines.push(
    `people +${s.peopleAdded} −${s.peopleRemoved} · workspaces +${s.workspacesAdded} −${s.workspacesRemoved} · grants +${s.grantsAdded} −${s.grantsRemoved} · role changes ${s.roleChanges}`,
  );
  const typeGroups = new Map<string, { added: string[]; removed: string[] }>();
  for (const side of ["added", "removed"] as const) {
    for (const r of d.resources[side]) {
      let g = typeGroups.get(r.type);
      if (!g) typeGroups.set(r.type, (g = { added: [], removed: [] }));
      g[side].push(r.name || r.id);
    }
  }
  if (typeGroups.size > 0) {
    lines.push("", "Resources");
    const rows: string[][] = [];
    for (const [type, g] of typeGroups) {
      for (const n of g.added) rows.push([type, "+ added", n]);
      for (const n of g.removed) rows.push([type, "− removed", n]);
    }
    lines.push(...table(["TYPE", "CHANGE", "NAME"], rows));
  }
  const explicit = d.changes.filter((c) => !c.implicit);
  const implicit = d.changes.filter((c) => c.implicit);
  if (d.changes.length > 0) {
    lines.push("", "By person");
    const rows: string[][] = [];
    let last = "";
    for (const c of explicit) {
      const who = c.person.name;
      rows.push([who === last ? "" : who, c.scope.name, describe(c)]);
      last = who;
    }
    for (const [who, group] of groupBy(implicit, (c) => c.person.name)) {
      for (const [what, list] of groupBy(group, (c) => `${describe(c)} (implicit${c.via ? ` via ${c.via}` : ""})`)) {
        rows.push([who, list.length === 1 ? list[0]!.scope.name : `${list.length} workspaces`, what]);
      }
    }
    lines.push(...table(["PERSON", "WORKSPACE", "CHANGE"], rows));
    const byWs = explicit.filter((c) => c.scope.type !== "organization");
    if (byWs.length > 0) {
      lines.push("", "By workspace");
      const wsRows: string[][] = [];
      for (const [ws, group] of groupBy(byWs, (c) => c.scope.name)) {
        group.forEach((c, i) => wsRows.push([i === 0 ? ws : "", c.person.name, describe(c)]));
      }
      lines.push(...table(["WORKSPACE", "PERSON", "CHANGE"], wsRows));
    }
    if (implicit.length > 0) lines.push("", `(${implicit.length} implicit changes, through roles such as Organization Admin, are summarised by person above.)`);
  }
  return `${lines.join("\n")}\n`;
}

function describe(c: AccessChange): string {
  if (c.change === "changed") return `${c.from} → ${c.to}`;
  if (c.change === "added") return `+ ${c.to}`;
  return `− ${c.from}`;
}

function groupBy<T>(list: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of list) {
    const k = key(x);
    let g = m.get(k);
    if (!g) m.set(k, (g = []));
    g.push(x);
  }
  return m;
}

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length))));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : clip(c, widths[i]!).padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [fmt(head), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt)];
}

function clip(s: string, w: number): string {
  return s.length <= w ? s : `${s.slice(0, w - 1)}…`;
}

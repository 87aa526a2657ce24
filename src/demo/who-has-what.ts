import type { C1zReader } from "../baton/c1z/reader.js";
import { resourceKey } from "../baton/model.js";

/** A small table: user, org role, and each workspace with the role held there. */
export function whoHasWhat(reader: C1zReader, maxUsers: number): string {
  const names = new Map<string, string>();
  for (const r of reader.resources()) names.set(resourceKey(r.id!), r.displayName);
  const rows: string[][] = [["user", "status", "org role", "workspace roles"]];
  let shown = 0;
  for (const user of reader.resources({ resourceTypeId: "user" })) {
    if (shown++ >= maxUsers) break;
    let orgRole = "";
    const workspaceRoles: string[] = [];
    for (const g of reader.grants({ principal: user.id! })) {
      const rid = g.entitlement!.resource!.id!;
      const name = names.get(resourceKey(rid)) ?? rid.resource;
      if (rid.resourceType === "org_role") orgRole = name;
      if (rid.resourceType === "workspace_role") workspaceRoles.push(name);
    }
    const status = user.status?.status === 2 ? "disabled" : "active";
    rows.push([user.displayName, status, orgRole, workspaceRoles.sort().join(", ") || "—"]);
  }
  const widths = rows[0]!.map((_, i) => Math.min(48, Math.max(...rows.map((r) => r[i]!.length))));
  return rows.map((r) => "  " + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n");
}

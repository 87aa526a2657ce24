/**
 * Go "platform" member list, served at `/v1/platform/orgs/current/members` and
 * `/api/v1/platform/orgs/current/members`.
 *
 * - `limit` default 50, 1–500 (otherwise 400), `offset` ≥ 0, `active_is`, `pending_is`
 *   (Go ParseBool), repeatable glob filters (`*`): name_like, email_like,
 *   workspace_name_like (name or id), organization_role_like, workspace_role_like.
 * - Headers: `X-Pagination-Total`, `X-Members-List-All-Workspaces`.
 * - Mode "full": the header is "true" when the caller has organization:manage and rows list
 *   every workspace membership. Mode "limited" (or a caller without organization:manage):
 *   header "false" and rows list only memberships in the caller's own workspaces
 *   (service key: its default/scoped workspaces; PAT: the owner's workspaces).
 * - Mode "absent": both paths answer 404 {"error":"not_found","message":"404 page not found"}.
 */
import { orgPermissions, requireOrgPermission, type Caller } from "../auth.js";
import { ApiError, globToRegExp, goBool, type Query } from "../http-util.js";
import type { Invite, User, Workspace } from "../model.js";
import { platformMemberRow } from "../render.js";
import type { Route, RouteContext, RouteResult, RouteSettings } from "./types.js";

function intParam(q: Query, name: string, def: number): number {
  const raw = q[name]?.[0];
  if (raw === undefined || raw === "") return def;
  if (!/^[+-]?\d+$/.test(raw)) throw new ApiError(400, `invalid ${name}: must be an integer`, "invalid_parameter");
  return Number(raw);
}

function boolParam(q: Query, name: string): boolean | null {
  const raw = q[name]?.[0];
  if (raw === undefined || raw === "") return null;
  const b = goBool(raw);
  if (b === null) throw new ApiError(400, `invalid ${name}: must be a boolean`, "invalid_parameter");
  return b;
}

function ownWorkspaces(c: Caller): Set<Workspace> {
  const k = c.key;
  if (k.kind === "pat") return new Set(k.owner!.memberships.map((m) => m.ws));
  const set = new Set<Workspace>(k.workspaces);
  if (k.defaultWorkspace) set.add(k.defaultWorkspace);
  return set;
}

function handler(ctx: RouteContext): RouteResult {
  const c = ctx.caller;
  requireOrgPermission(c, "organization:read");
  const q = ctx.query;
  const limit = intParam(q, "limit", 50);
  if (limit < 1 || limit > 500) throw new ApiError(400, "invalid limit: must be between 1 and 500", "invalid_parameter");
  const offset = intParam(q, "offset", 0);
  if (offset < 0) throw new ApiError(400, "invalid offset: must be >= 0", "invalid_parameter");
  const activeIs = boolParam(q, "active_is");
  const pendingIs = boolParam(q, "pending_is");

  const { store } = c;
  const style = ctx.settings.roleNameStyle;
  const listAll = ctx.settings.platformMembers === "full" && orgPermissions(c).includes("organization:manage");
  const own = listAll ? null : ownWorkspaces(c);
  const visible = (ws: Workspace): boolean => own === null || own.has(ws);

  let wantActive = true;
  let wantPending = true;
  if (activeIs !== null) { wantActive &&= activeIs; wantPending &&= !activeIs; }
  if (pendingIs !== null) { wantPending &&= pendingIs; wantActive &&= !pendingIs; }
  let source: Array<User | Invite> = wantActive && wantPending ? store.platformRows : wantActive ? store.users : wantPending ? store.invites : [];

  const globs = (name: string): RegExp[] => (q[name] ?? []).filter((s) => s !== "").map(globToRegExp);
  const nameLike = globs("name_like");
  const emailLike = globs("email_like");
  const wsLike = globs("workspace_name_like");
  const orgRoleLike = globs("organization_role_like");
  const wsRoleLike = globs("workspace_role_like");
  const any = (res: RegExp[], values: string[]): boolean => res.some((re) => values.some((v) => re.test(v)));
  if (nameLike.length || emailLike.length || wsLike.length || orgRoleLike.length || wsRoleLike.length) {
    source = source.filter((row) => {
      const isUser = "lsUserId" in row;
      const ws = isUser
        ? row.memberships.filter((m) => !m.ws.isDeleted && visible(m.ws)).map((m) => ({ ws: m.ws, role: m.role }))
        : row.workspaces.filter((p) => !p.ws.isDeleted && visible(p.ws)).map((p) => ({ ws: p.ws, role: row.workspaceRole }));
      if (nameLike.length && !any(nameLike, [isUser ? row.fullName : ""])) return false;
      if (emailLike.length && !any(emailLike, [row.email])) return false;
      if (orgRoleLike.length && !any(orgRoleLike, [row.orgRole.name, row.orgRole.displayName])) return false;
      if (wsLike.length && !any(wsLike, ws.flatMap((w) => [w.ws.displayName, w.ws.id]))) return false;
      if (wsRoleLike.length && !any(wsRoleLike, ws.flatMap((w) => (w.role ? [w.role.name, w.role.displayName] : [])))) return false;
      return true;
    });
  }
  const start = ctx.settings.repeatPages ? 0 : offset;
  const page = source.slice(start, start + limit);
  return {
    body: page.map((row) => platformMemberRow(row, visible, style)),
    headers: {
      "X-Pagination-Total": String(source.length),
      "X-Members-List-All-Workspaces": listAll ? "true" : "false",
    },
  };
}

const available = (s: RouteSettings): boolean => s.platformMembers !== "absent";

export const platformRoutes: Route[] = [
  { method: "GET", template: "/v1/platform/orgs/current/members", family: "platform", handler, available },
  { method: "GET", template: "/api/v1/platform/orgs/current/members", family: "platform", handler, available },
];

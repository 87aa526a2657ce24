/**
 * `GET /api/v1/workspaces` (org scope) and `/api/v1/workspaces/current/members*`
 * (workspace scope: X-Tenant-Id).
 *
 * Mutation choices: POST resolves the member by org_identity_id → ls_user_id → user_id
 * (none given → 400; not an active org member → 404); role_id defaults to WORKSPACE_ADMIN;
 * unknown role → 404; an organization-scoped role → 400; already a member → 409
 * {"detail":"User is already a member of this workspace"}. PATCH requires role_id (422) and
 * answers the updated Identity; DELETE answers {}. Unknown identity → 404.
 */
import { ApiError, bodyOptionalBool, bodyUuid, pathUuid, qBool, requireObjectBody, validationError, issue, type ValidationIssue } from "../http-util.js";
import { canAccessWorkspace, requireOrgPermission, requireWorkspacePermission, resolveTenant, workspaceRoleOf, type Caller } from "../auth.js";
import type { Membership, Role, User, Workspace, WorkspacePending } from "../model.js";
import { identityRow, workspaceMemberRow, workspacePendingRow, workspaceRow } from "../render.js";
import type { OrgStore } from "../store.js";
import { pageOf, parseMemberListQuery, type RowView } from "./paging.js";
import type { Route, RouteContext } from "./types.js";

function memberView(m: Membership): RowView {
  const u = m.user;
  return { email: u.email, name: u.fullName, role: m.role.name, lsUserId: u.lsUserId, userId: u.userId, disabled: u.disabled, createdAt: m.createdAt, id: m.id };
}

function pendingView(p: WorkspacePending): RowView {
  const userId = p.invite ? p.invite.userId : p.member?.userId ?? null;
  return { email: p.email, name: p.email, role: p.role.name, lsUserId: null, userId, disabled: false, createdAt: p.createdAt, id: p.id };
}

function visibleWorkspaces(c: Caller): Workspace[] {
  const k = c.key;
  if (k.kind === "service" && k.accessScope === "workspace") return k.workspaces;
  requireOrgPermission(c, "organization:read");
  return c.store.workspaces.filter((ws) => canAccessWorkspace(c, ws) || (ws.isDeleted && k.kind === "service"));
}

function workspaceRole(store: OrgStore, id: string | null | undefined): Role {
  if (id === null || id === undefined) return store.builtin.WORKSPACE_ADMIN;
  const role = store.rolesById.get(id);
  if (!role) throw new ApiError(404, "Role not found");
  if (role.accessScope !== "workspace") throw new ApiError(400, `Role ${id} is an organization role; a workspace role is required`);
  return role;
}

function tenant(ctx: RouteContext, perm: string): Workspace {
  const ws = resolveTenant(ctx.caller, ctx.headers);
  requireWorkspacePermission(ctx.caller, ws, perm);
  return ws;
}

function memberInWorkspace(ctx: RouteContext, ws: Workspace): Membership {
  const id = pathUuid(ctx.params.identity_id ?? "", "identity_id");
  const m = ctx.caller.store.membershipsById.get(id);
  if (!m || m.ws !== ws) throw new ApiError(404, "Workspace member not found");
  return m;
}

export const workspaceRoutes: Route[] = [
  {
    method: "GET",
    template: "/api/v1/workspaces",
    family: "api",
    handler: (ctx) => {
      const { caller } = ctx;
      const list = visibleWorkspaces(caller);
      const issues: ValidationIssue[] = [];
      const includeDeleted = qBool(ctx.query, "include_deleted", issues) ?? false;
      if (issues.length) throw validationError(issues);
      return {
        body: list
          .filter((ws) => includeDeleted || !ws.isDeleted)
          .map((ws) => workspaceRow(caller.store, ws, workspaceRoleOf(caller, ws), ctx.settings.roleNameStyle)),
      };
    },
  },
  {
    method: "GET",
    template: "/api/v1/workspaces/current/members",
    family: "api",
    handler: (ctx) => {
      const ws = tenant(ctx, "workspaces:read");
      const { store } = ctx.caller;
      const style = ctx.settings.roleNameStyle;
      return {
        body: {
          tenant_id: ws.id,
          members: ws.members.map((m) => workspaceMemberRow(store, m, style)),
          pending: ws.pending.map((p) => workspacePendingRow(store, p, style)),
        },
      };
    },
  },
  {
    method: "GET",
    template: "/api/v1/workspaces/current/members/active",
    family: "api",
    handler: (ctx) => {
      const ws = tenant(ctx, "workspaces:read");
      const p = parseMemberListQuery(ctx.query, true);
      const { rows, total } = pageOf(ws.members, p, memberView, ctx.settings.repeatPages);
      return {
        body: rows.map((m) => workspaceMemberRow(ctx.caller.store, m, ctx.settings.roleNameStyle)),
        headers: { "X-Pagination-Total": String(total) },
      };
    },
  },
  {
    method: "GET",
    template: "/api/v1/workspaces/current/members/pending",
    family: "api",
    handler: (ctx) => {
      const ws = tenant(ctx, "workspaces:read");
      const p = parseMemberListQuery(ctx.query, false);
      const { rows, total } = pageOf(ws.pending, p, pendingView, ctx.settings.repeatPages);
      return {
        body: rows.map((r) => workspacePendingRow(ctx.caller.store, r, ctx.settings.roleNameStyle)),
        headers: { "X-Pagination-Total": String(total) },
      };
    },
  },
  {
    method: "POST",
    template: "/api/v1/workspaces/current/members",
    family: "api",
    handler: (ctx) => {
      const ws = tenant(ctx, "workspaces:manage-members");
      const { store } = ctx.caller;
      const body = requireObjectBody(ctx.body, ctx.bodyPresent, ctx.bodyError);
      const issues: ValidationIssue[] = [];
      const orgIdentityId = bodyUuid(body, "org_identity_id", issues);
      const lsUserId = bodyUuid(body, "ls_user_id", issues);
      const userId = bodyUuid(body, "user_id", issues);
      const roleId = bodyUuid(body, "role_id", issues);
      bodyOptionalBool(body, "read_only", issues);
      if (issues.length) throw validationError(issues);

      let user: User | undefined;
      if (orgIdentityId) user = store.usersByIdentity.get(orgIdentityId);
      else if (lsUserId) user = store.usersByLsUserId.get(lsUserId);
      else if (userId) user = store.usersByUserId.get(userId);
      else throw new ApiError(400, "One of org_identity_id, ls_user_id or user_id is required");
      if (!user) throw new ApiError(404, "Organization member not found");
      const role = workspaceRole(store, roleId);
      if (store.membershipOf(ws, user)) throw new ApiError(409, "User is already a member of this workspace");
      const m = store.addMembership(ws, user, role);
      return { body: identityRow(store, m, ctx.settings.roleNameStyle) };
    },
  },
  {
    method: "PATCH",
    template: "/api/v1/workspaces/current/members/{identity_id}",
    family: "api",
    handler: (ctx) => {
      const ws = tenant(ctx, "workspaces:manage-members");
      const { store } = ctx.caller;
      const id = pathUuid(ctx.params.identity_id ?? "", "identity_id");
      const body = requireObjectBody(ctx.body, ctx.bodyPresent, ctx.bodyError);
      const issues: ValidationIssue[] = [];
      const roleId = bodyUuid(body, "role_id", issues);
      bodyOptionalBool(body, "read_only", issues);
      if (!("role_id" in body)) issues.push(issue.missing(["body", "role_id"]));
      else if (roleId === null) issues.push(issue.uuidType(["body", "role_id"], null));
      if (issues.length) throw validationError(issues);
      const m = store.membershipsById.get(id);
      if (!m || m.ws !== ws) throw new ApiError(404, "Workspace member not found");
      m.role = workspaceRole(store, roleId);
      return { body: identityRow(store, m, ctx.settings.roleNameStyle) };
    },
  },
  {
    method: "DELETE",
    template: "/api/v1/workspaces/current/members/{identity_id}",
    family: "api",
    handler: (ctx) => {
      const ws = tenant(ctx, "workspaces:manage-members");
      const m = memberInWorkspace(ctx, ws);
      ctx.caller.store.removeMembership(m);
      return { body: {} };
    },
  },
];

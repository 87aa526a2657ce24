/**
 * Writes on organization members and invitations (org scope; permission organization:manage), and
 * cancelling a workspace invitation (workspace scope; workspaces:manage-members).
 *
 * Choices where LangSmith's behaviour is undocumented:
 * - Inviting: `email` required (422); `role_id` defaults to Organization User and must be an org role (400);
 *   every `workspace_ids` entry must be a live, shared workspace (404); `workspace_role_id` must be a
 *   workspace role (400; Viewer when omitted). Already an active member → 409 "User is already a member of
 *   this organization"; already invited → 409 "User has already been invited". A batch is checked whole
 *   before any invite is made (at most 500 rows).
 * - Organization Operators may only invite, re-role or remove Organization Users and Viewers (403).
 * - Demoting or removing the last Organization Admin → 400 (an org always keeps one admin).
 * - PATCH …/members/{id} accepts only `role_id` with an API key (full_name/password are basic-auth only: 400).
 * - PATCH …/members/{id}/pending takes `role_id` or `role_name` (an org role), answers the pending row.
 * - Unknown ids → 404.
 */
import { requireOrgPermission, orgRoleOf, requireWorkspacePermission, resolveTenant, type Caller } from "../auth.js";
import { ApiError, bodyOptionalBool, bodyUuid, issue, pathUuid, requireObjectBody, validationError, type ValidationIssue } from "../http-util.js";
import type { Invite, Role, User, Workspace } from "../model.js";
import { normalizeUuid } from "../prng.js";
import { orgMemberRow, orgPendingRow } from "../render.js";
import type { OrgStore } from "../store.js";
import type { Route, RouteContext } from "./types.js";

const MANAGE = "organization:manage";
export const MAX_BATCH_INVITES = 500;

function orgRole(store: OrgStore, id: string | null | undefined): Role {
  if (id === null || id === undefined) return store.builtin.ORGANIZATION_USER;
  const role = store.rolesById.get(id);
  if (!role) throw new ApiError(404, "Role not found");
  if (role.accessScope !== "organization") throw new ApiError(400, `Role ${id} is a workspace role; an organization role is required`);
  return role;
}

function isOperator(c: Caller): boolean {
  return orgRoleOf(c) === c.store.builtin.ORGANIZATION_OPERATOR;
}

/** Operators manage only Organization Users and Viewers. */
function checkOperatorReach(c: Caller, ...roles: Role[]): void {
  if (!isOperator(c)) return;
  const { builtin } = c.store;
  if (roles.some((r) => r === builtin.ORGANIZATION_ADMIN || r === builtin.ORGANIZATION_OPERATOR)) {
    throw new ApiError(403, "Forbidden: Organization Operators may only manage Organization Users and Viewers");
  }
}

interface InviteRequest {
  email: string;
  orgRole: Role;
  workspaces: Workspace[];
  workspaceRole: Role | null;
}

function parseInvite(body: unknown, loc: Array<string | number>, issues: ValidationIssue[]): Omit<InviteRequest, "orgRole" | "workspaceRole" | "workspaces"> & { roleId?: string | null; workspaceIds: string[]; workspaceRoleId?: string | null } | null {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    issues.push(issue.dictType(loc, body));
    return null;
  }
  const b = body as Record<string, unknown>;
  const before = issues.length;
  const email = b.email;
  if (!("email" in b)) issues.push(issue.missing([...loc, "email"]));
  else if (typeof email !== "string") issues.push({ type: "string_type", loc: [...loc, "email"], msg: "Input should be a valid string", input: email });
  const sub: ValidationIssue[] = [];
  const roleId = bodyUuid(b, "role_id", sub);
  const workspaceRoleId = bodyUuid(b, "workspace_role_id", sub);
  bodyOptionalBool(b, "read_only", sub);
  // bodyUuid names locations from the body root; re-root them under this item.
  for (const s of sub) issues.push({ ...s, loc: [...loc, ...s.loc.slice(1)] });
  const workspaceIds: string[] = [];
  const rawIds = b.workspace_ids;
  if (rawIds !== undefined && rawIds !== null) {
    if (!Array.isArray(rawIds)) issues.push({ type: "list_type", loc: [...loc, "workspace_ids"], msg: "Input should be a valid list", input: rawIds });
    else rawIds.forEach((v, i) => {
      const id = typeof v === "string" ? normalizeUuid(v) : null;
      if (id) workspaceIds.push(id);
      else issues.push(typeof v === "string" ? issue.uuidParsing([...loc, "workspace_ids", i], v) : issue.uuidType([...loc, "workspace_ids", i], v));
    });
  }
  if (issues.length > before) return null;
  if ((b.password !== undefined && b.password !== null) || (b.full_name !== undefined && b.full_name !== null)) {
    throw new ApiError(400, "password and full_name are only accepted in basic-auth mode");
  }
  return { email: (email as string).trim(), roleId, workspaceIds, workspaceRoleId };
}

function resolveInvite(c: Caller, p: NonNullable<ReturnType<typeof parseInvite>>): InviteRequest {
  const { store } = c;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(p.email)) throw new ApiError(400, `Invalid email address: ${p.email}`);
  const role = orgRole(store, p.roleId);
  checkOperatorReach(c, role);
  const workspaces = p.workspaceIds.map((id) => {
    const ws = store.workspacesById.get(id);
    if (!ws || ws.isDeleted || ws.isPersonal) throw new ApiError(404, `Workspace ${id} not found`);
    return ws;
  });
  let workspaceRole: Role | null = null;
  if (p.workspaceRoleId) {
    const r = store.rolesById.get(p.workspaceRoleId);
    if (!r) throw new ApiError(404, "Role not found");
    if (r.accessScope !== "workspace") throw new ApiError(400, `Role ${p.workspaceRoleId} is an organization role; a workspace role is required`);
    workspaceRole = r;
  }
  if (store.usersByEmail.has(p.email.toLowerCase())) throw new ApiError(409, "User is already a member of this organization");
  if (store.inviteByEmail(p.email)) throw new ApiError(409, "User has already been invited");
  return { email: p.email, orgRole: role, workspaces: [...new Set(workspaces)], workspaceRole };
}

function memberById(ctx: RouteContext): User {
  const id = pathUuid(ctx.params.identity_id ?? "", "identity_id");
  const user = ctx.caller.store.usersByIdentity.get(id);
  if (!user) throw new ApiError(404, "Organization member not found");
  return user;
}

function inviteById(ctx: RouteContext): Invite {
  const id = pathUuid(ctx.params.identity_id ?? "", "identity_id");
  const inv = ctx.caller.store.invitesById.get(id);
  if (!inv) throw new ApiError(404, "Pending invite not found");
  return inv;
}

function keepsAnAdmin(store: OrgStore, user: User, newRole: Role | null): void {
  if (store.isOrgAdmin(user) && newRole !== store.builtin.ORGANIZATION_ADMIN && store.orgAdminCount() <= 1) {
    throw new ApiError(400, "Cannot remove the last Organization Admin of the organization");
  }
}

function write(method: string, template: string, perm: string | null, handler: Route["handler"]): Route {
  return {
    method,
    template,
    family: "api",
    handler: (ctx) => {
      if (perm) requireOrgPermission(ctx.caller, perm);
      return handler(ctx);
    },
  };
}

export const orgMemberRoutes: Route[] = [
  write("POST", "/api/v1/orgs/current/members", MANAGE, (ctx) => {
    const body = requireObjectBody(ctx.body, ctx.bodyPresent, ctx.bodyError);
    const issues: ValidationIssue[] = [];
    const parsed = parseInvite(body, ["body"], issues);
    if (!parsed) throw validationError(issues);
    const inv = ctx.caller.store.createInvite(resolveInvite(ctx.caller, parsed));
    return { body: orgPendingRow(ctx.caller.store, inv, ctx.settings.roleNameStyle) };
  }),
  write("POST", "/api/v1/orgs/current/members/batch", MANAGE, (ctx) => {
    if (ctx.bodyError !== null) throw validationError([issue.jsonInvalid(ctx.bodyError)]);
    if (!ctx.bodyPresent || ctx.body === undefined) throw validationError([issue.missing(["body"])]);
    if (!Array.isArray(ctx.body)) throw validationError([{ type: "list_type", loc: ["body"], msg: "Input should be a valid list", input: ctx.body }]);
    if (ctx.body.length > MAX_BATCH_INVITES) throw new ApiError(400, `At most ${MAX_BATCH_INVITES} invites per batch`);
    const issues: ValidationIssue[] = [];
    const parsed = ctx.body.map((b, i) => parseInvite(b, ["body", i], issues));
    if (issues.length) throw validationError(issues);
    const requests = parsed.map((p) => resolveInvite(ctx.caller, p!));
    const emails = new Set<string>();
    for (const r of requests) {
      if (emails.has(r.email.toLowerCase())) throw new ApiError(409, `${r.email} appears twice in the batch`);
      emails.add(r.email.toLowerCase());
    }
    const store = ctx.caller.store;
    return { body: requests.map((r) => orgPendingRow(store, store.createInvite(r), ctx.settings.roleNameStyle)) };
  }),
  write("PATCH", "/api/v1/orgs/current/members/{identity_id}", MANAGE, (ctx) => {
    const body = requireObjectBody(ctx.body, ctx.bodyPresent, ctx.bodyError);
    const issues: ValidationIssue[] = [];
    const roleId = bodyUuid(body, "role_id", issues);
    if (issues.length) throw validationError(issues);
    if ((body.password ?? null) !== null || (body.full_name ?? null) !== null) throw new ApiError(400, "password and full_name can only be changed in basic-auth mode");
    const user = memberById(ctx);
    const { store } = ctx.caller;
    if (roleId) {
      const role = orgRole(store, roleId);
      checkOperatorReach(ctx.caller, role, user.orgRole);
      keepsAnAdmin(store, user, role);
      user.orgRole = role;
    }
    return { body: orgMemberRow(store, user, ctx.settings.roleNameStyle) };
  }),
  write("DELETE", "/api/v1/orgs/current/members/{identity_id}", MANAGE, (ctx) => {
    const user = memberById(ctx);
    checkOperatorReach(ctx.caller, user.orgRole);
    keepsAnAdmin(ctx.caller.store, user, null);
    ctx.caller.store.removeUser(user);
    return { body: {} };
  }),
  write("PATCH", "/api/v1/orgs/current/members/{identity_id}/pending", MANAGE, (ctx) => {
    const body = requireObjectBody(ctx.body, ctx.bodyPresent, ctx.bodyError);
    const issues: ValidationIssue[] = [];
    const roleId = bodyUuid(body, "role_id", issues);
    const roleName = body.role_name;
    if (roleName !== undefined && roleName !== null && typeof roleName !== "string") {
      issues.push({ type: "string_type", loc: ["body", "role_name"], msg: "Input should be a valid string", input: roleName });
    }
    if (issues.length) throw validationError(issues);
    const inv = inviteById(ctx);
    const { store } = ctx.caller;
    let role: Role | undefined;
    if (roleId) role = orgRole(store, roleId);
    else if (typeof roleName === "string") {
      role = store.roleByName(roleName);
      if (!role || role.accessScope !== "organization") throw new ApiError(404, `Organization role ${roleName} not found`);
    }
    if (role) {
      checkOperatorReach(ctx.caller, role, inv.orgRole);
      inv.orgRole = role;
    }
    return { body: orgPendingRow(store, inv, ctx.settings.roleNameStyle) };
  }),
  write("DELETE", "/api/v1/orgs/current/members/{identity_id}/pending", MANAGE, (ctx) => {
    const inv = inviteById(ctx);
    checkOperatorReach(ctx.caller, inv.orgRole);
    ctx.caller.store.removeInvite(inv);
    return { body: {} };
  }),
  write("DELETE", "/api/v1/workspaces/current/members/{identity_id}/pending", null, (ctx) => {
    const ws = resolveTenant(ctx.caller, ctx.headers);
    requireWorkspacePermission(ctx.caller, ws, "workspaces:manage-members");
    const id = pathUuid(ctx.params.identity_id ?? "", "identity_id");
    const p = ws.pending.find((x) => x.id === id);
    if (!p) throw new ApiError(404, "Pending workspace invite not found");
    ctx.caller.store.removeWorkspacePending(p);
    return { body: {} };
  }),
];

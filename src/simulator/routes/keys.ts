/**
 * Service-key writes, the org-wide PAT inventory and service accounts.
 *
 * Choices where LangSmith documents nothing:
 * - POST service-keys needs organization:pats:create, and organization:manage for an org-wide key.
 *   `workspaces` together with `org_role_id` → 400; an unknown workspace or role → 404; a role of the
 *   wrong scope → 400. Defaults: role_id WORKSPACE_ADMIN, org_role_id ORGANIZATION_USER (org-wide keys).
 *   `created_by` of the new key: the calling PAT's owner, else whatever the calling service key reports
 *   (a key acts for whoever made it).
 * - DELETE service-keys/{id} needs organization:manage; an unknown id → 404 {"detail":"API key not found"};
 *   answers the deleted key's row. A deleted key stops authenticating at once.
 * - The org-wide PAT listing (`/orgs/current/members/personal-access-tokens`, in no spec) needs
 *   organization:pats:read; the `patListing` setting makes it answer 403 to everyone or not exist (404).
 *   Rows are PAT rows plus the owner's ls_user_id, user_id and email.
 * - `/service-accounts` needs organization:read; the `serviceAccounts` setting can make it not exist.
 */
import { requireOrgPermission, type Caller } from "../auth.js";
import { ApiError, bodyUuid, issue, pathUuid, requireObjectBody, validationError, type ValidationIssue } from "../http-util.js";
import type { ApiKey, Role, Workspace } from "../model.js";
import { apiKeyRow, orgPatRow, serviceAccountRow } from "../render.js";
import type { Route } from "./types.js";

function creatorOf(c: Caller): string | null {
  return c.key.kind === "pat" ? c.key.owner?.lsUserId ?? null : c.key.createdBy;
}

function roleOfScope(c: Caller, id: string, scope: "organization" | "workspace"): Role {
  const role = c.store.rolesById.get(id);
  if (!role) throw new ApiError(404, "Role not found");
  if (role.accessScope !== scope) throw new ApiError(400, `Role ${id} is not a${scope === "organization" ? "n organization" : " workspace"} role`);
  return role;
}

function parseExpiry(body: Record<string, unknown>, issues: ValidationIssue[]): number | null {
  const v = body.expires_at;
  if (v === undefined || v === null) return null;
  const ms = typeof v === "string" ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) {
    issues.push({ type: "datetime_from_date_parsing", loc: ["body", "expires_at"], msg: "Input should be a valid datetime", input: v });
    return null;
  }
  return ms * 1000;
}

function createServiceKey(c: Caller, body: Record<string, unknown>): ApiKey {
  const issues: ValidationIssue[] = [];
  const description = body.description === undefined ? "Default API key" : body.description;
  if (typeof description !== "string") issues.push({ type: "string_type", loc: ["body", "description"], msg: "Input should be a valid string", input: description });
  const expiresAt = parseExpiry(body, issues);
  let workspaceIds: string[] | null = null;
  if (body.workspaces !== undefined && body.workspaces !== null) {
    if (!Array.isArray(body.workspaces)) issues.push({ type: "list_type", loc: ["body", "workspaces"], msg: "Input should be a valid list", input: body.workspaces });
    else {
      workspaceIds = [];
      body.workspaces.forEach((w, i) => {
        const id = bodyUuid({ w }, "w", []);
        if (typeof id !== "string") issues.push(issue.uuidParsing(["body", "workspaces", i], w));
        else workspaceIds!.push(id);
      });
    }
  }
  const roleId = bodyUuid(body, "role_id", issues);
  const orgRoleId = bodyUuid(body, "org_role_id", issues);
  const defaultWs = bodyUuid(body, "default_workspace_id", issues);
  if (issues.length) throw validationError(issues);

  requireOrgPermission(c, "organization:pats:create");
  const { store } = c;
  const orgWide = workspaceIds === null;
  if (!orgWide && orgRoleId) throw new ApiError(400, "org_role_id can only be set on organization-wide keys");
  if (orgWide) requireOrgPermission(c, "organization:manage");
  const workspaces: Workspace[] = (workspaceIds ?? []).map((id) => {
    const ws = store.workspacesById.get(id);
    if (!ws || ws.isDeleted) throw new ApiError(404, `Workspace ${id} not found`);
    return ws;
  });
  if (!orgWide && workspaces.length === 0) throw new ApiError(400, "workspaces must name at least one workspace");
  const role = roleId ? roleOfScope(c, roleId, "workspace") : store.builtin.WORKSPACE_ADMIN;
  const orgRole = orgWide ? (orgRoleId ? roleOfScope(c, orgRoleId, "organization") : store.builtin.ORGANIZATION_USER) : null;
  const defaultWorkspace = defaultWs ? store.workspacesById.get(defaultWs) ?? null : workspaces[0] ?? null;
  const key: ApiKey = {
    id: store.newId(),
    key: store.newKeyString("sk"),
    kind: "service",
    description: description as string,
    accessScope: orgWide ? "organization" : "workspace",
    workspaces,
    role,
    orgRole,
    owner: null,
    serviceAccount: null,
    defaultWorkspace,
    createdAt: store.nowMicros(),
    createdBy: creatorOf(c),
    lastUsedAt: null,
    expiresAt,
  };
  store.addKey(key);
  return key;
}

export const keyRoutes: Route[] = [
  {
    method: "POST",
    template: "/api/v1/orgs/current/service-keys",
    family: "api",
    handler: (ctx) => {
      const body = ctx.bodyPresent ? requireObjectBody(ctx.body, ctx.bodyPresent, ctx.bodyError) : {};
      const key = createServiceKey(ctx.caller, body);
      return { body: { ...apiKeyRow(ctx.caller.store, key), key: key.key } };
    },
  },
  {
    method: "DELETE",
    template: "/api/v1/orgs/current/service-keys/{api_key_id}",
    family: "api",
    handler: (ctx) => {
      const id = pathUuid(ctx.params.api_key_id ?? "", "api_key_id");
      requireOrgPermission(ctx.caller, "organization:manage");
      const { store } = ctx.caller;
      const key = store.keysById.get(id);
      if (!key || key.kind !== "service") throw new ApiError(404, "API key not found");
      const row = apiKeyRow(store, key);
      store.removeKey(key);
      return { body: row };
    },
  },
  {
    method: "GET",
    template: "/api/v1/orgs/current/members/personal-access-tokens",
    family: "api",
    available: (s) => s.patListing !== "absent",
    handler: (ctx) => {
      if (ctx.settings.patListing === "forbidden") throw new ApiError(403, "Forbidden");
      requireOrgPermission(ctx.caller, "organization:pats:read");
      const { store } = ctx.caller;
      return { body: store.keys.filter((k) => k.kind === "pat" && k.owner && !k.owner.removed).map((k) => orgPatRow(store, k)) };
    },
  },
  {
    method: "GET",
    template: "/api/v1/service-accounts",
    family: "api",
    available: (s) => s.serviceAccounts !== "absent",
    handler: (ctx) => {
      requireOrgPermission(ctx.caller, "organization:read");
      const { store } = ctx.caller;
      return { body: store.serviceAccounts.map((sa) => serviceAccountRow(store, sa)) };
    },
  },
];

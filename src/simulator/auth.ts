/**
 * Authentication, scoping headers and permissions.
 *
 * Choices, modelled on what LangSmith answers:
 * - No or unknown X-API-Key → 401 {"detail":"Invalid token"}; `ls__…` → 401 legacy message;
 *   Bearer without X-API-Key → 403 {"detail":"Forbidden"} (UI tokens are not simulated).
 * - X-Organization-Id: absent → org from the key; malformed or naming another org → 403.
 * - Workspace routes: X-Tenant-Id missing with an org-scoped service key → 403 with LangSmith's body
 *   asking for the header;
 *   PATs / workspace-scoped keys fall back to their default workspace; malformed, unknown
 *   or inaccessible workspace → 403; soft-deleted workspace → 404 {"detail":"Workspace not found"}.
 * - Missing permission → 403 {"detail":"Forbidden: missing permission <perm>"}.
 */
import { ApiError } from "./http-util.js";
import type { ApiKey, Role, Workspace } from "./model.js";
import { normalizeUuid } from "./prng.js";
import type { OrgStore } from "./store.js";

export const TENANT_REQUIRED_DETAIL =
  "This API key is org-scoped and requires workspace specification. Please provide 'X-Tenant-ID' header.";
export const LEGACY_KEY_DETAIL = "Using legacy API key. Please generate a new API key.";

const KEY_RE = /^lsv2_(pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}$/;

export interface KeyEntry {
  store: OrgStore;
  key: ApiKey;
}

export interface Caller {
  store: OrgStore;
  key: ApiKey;
}

type Headers = Record<string, string | string[] | undefined>;

function header(h: Headers, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

export function authenticate(headers: Headers, keys: Map<string, KeyEntry>): Caller {
  const apiKey = header(headers, "x-api-key")?.trim();
  if (!apiKey) {
    const auth = header(headers, "authorization");
    if (auth && /^bearer\s+/i.test(auth)) throw new ApiError(403, "Forbidden");
    throw new ApiError(401, "Invalid token");
  }
  if (apiKey.startsWith("ls__")) throw new ApiError(401, LEGACY_KEY_DETAIL);
  if (!KEY_RE.test(apiKey)) throw new ApiError(401, "Invalid token");
  const entry = keys.get(apiKey);
  if (!entry) throw new ApiError(401, "Invalid token");
  const { key, store } = entry;
  if (key.expiresAt !== null && key.expiresAt < Date.now() * 1000) throw new ApiError(401, "Invalid token");
  if (key.kind === "pat" && (!key.owner || key.owner.removed || key.owner.disabled)) throw new ApiError(401, "Invalid token");

  const orgHeader = header(headers, "x-organization-id");
  if (orgHeader !== undefined) {
    const org = normalizeUuid(orgHeader.trim());
    if (!org) throw new ApiError(403, "Forbidden: invalid X-Organization-Id header");
    if (org !== store.id) throw new ApiError(403, `Forbidden: API key does not belong to organization ${org}`);
  }
  return { store, key };
}

/** Org role whose permissions apply to org routes (null for workspace-scoped keys). */
export function orgRoleOf(c: Caller): Role | null {
  if (c.key.kind === "pat") return c.key.owner!.orgRole;
  return c.key.accessScope === "organization" ? c.key.orgRole : null;
}

export function orgPermissions(c: Caller): string[] {
  return orgRoleOf(c)?.permissions ?? [];
}

export function requireOrgPermission(c: Caller, perm: string): void {
  if (!orgPermissions(c).includes(perm)) throw new ApiError(403, `Forbidden: missing permission ${perm}`);
}

function isOrgAdmin(c: Caller): boolean {
  return orgRoleOf(c) === c.store.builtin.ORGANIZATION_ADMIN;
}

/** Can the credential address this workspace at all? */
export function canAccessWorkspace(c: Caller, ws: Workspace): boolean {
  if (ws.isDeleted && !isOrgAdmin(c)) return false;
  const k = c.key;
  if (k.kind === "pat") return isOrgAdmin(c) || k.owner!.memberships.some((m) => m.ws === ws);
  if (k.accessScope === "workspace") return k.workspaces.includes(ws);
  return true;
}

/** The caller's effective workspace role in `ws` (null = none). */
export function workspaceRoleOf(c: Caller, ws: Workspace): Role | null {
  const k = c.key;
  const admin = c.store.builtin.WORKSPACE_ADMIN;
  if (k.kind === "pat") {
    if (isOrgAdmin(c)) return admin;
    return k.owner!.memberships.find((m) => m.ws === ws)?.role ?? null;
  }
  if (k.accessScope === "workspace") return k.workspaces.includes(ws) ? k.role : null;
  if (k.role) return k.role;
  return isOrgAdmin(c) ? admin : null;
}

/** Resolves the workspace of a `/workspaces/current/*` request. */
export function resolveTenant(c: Caller, headers: Headers): Workspace {
  const raw = header(headers, "x-tenant-id");
  let ws: Workspace | undefined;
  if (raw === undefined || raw.trim() === "") {
    if (c.key.kind === "service" && c.key.accessScope === "organization") throw new ApiError(403, TENANT_REQUIRED_DETAIL, "org_scoped_key_requires_workspace");
    ws = c.key.defaultWorkspace ?? c.key.workspaces[0];
    if (!ws) throw new ApiError(403, TENANT_REQUIRED_DETAIL, "org_scoped_key_requires_workspace");
  } else {
    const id = normalizeUuid(raw.trim());
    if (!id) throw new ApiError(403, "Forbidden: invalid X-Tenant-Id header");
    ws = c.store.workspacesById.get(id);
    if (!ws) throw new ApiError(403, `Forbidden: no access to workspace ${id}`);
  }
  if (ws.isDeleted) throw new ApiError(404, "Workspace not found");
  if (!canAccessWorkspace(c, ws)) throw new ApiError(403, `Forbidden: no access to workspace ${ws.id}`);
  return ws;
}

export function requireWorkspacePermission(c: Caller, ws: Workspace, perm: string): void {
  const role = workspaceRoleOf(c, ws);
  if (!role || !role.permissions.includes(perm)) throw new ApiError(403, `Forbidden: missing permission ${perm}`);
}

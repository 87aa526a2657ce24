// Resource type ids and the id formulas. Changing any of these changes every id ConductorOne stores.

export const USER = "user";
export const WORKSPACE = "workspace";
export const ORG_ROLE = "org_role";
export const WORKSPACE_ROLE = "workspace_role";
export const INVITATION = "invitation";
export const SERVICE_KEY = "service_key";
export const PERSONAL_ACCESS_TOKEN = "personal_access_token";
export const SERVICE_ACCOUNT = "service_account";

export const MEMBER = "member";
export const ASSIGNED = "assigned";

/** A workspace role resource is one role in one workspace. */
export function workspaceRoleResourceId(workspaceId: string, roleId: string): string {
  return `${workspaceId}:${roleId}`;
}

export function parseWorkspaceRoleResourceId(id: string): { workspaceId: string; roleId: string } | undefined {
  const parts = id.split(":");
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { workspaceId: parts[0], roleId: parts[1] };
}

/**
 * Invitations come from two id spaces: an org invitation is keyed by its pending id; a workspace invitation
 * of someone already in the org by workspace id and that workspace's pending id (cancelling it needs both).
 */
export function workspaceInvitationResourceId(workspaceId: string, pendingId: string): string {
  return `${workspaceId}:${pendingId}`;
}

export type InvitationRef = { kind: "org"; pendingId: string } | { kind: "workspace"; workspaceId: string; pendingId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** LangSmith's ids (users, identities, invitations, workspaces) are UUIDs. */
export function isLangSmithId(s: string): boolean {
  return UUID.test(s);
}

export function parseInvitationResourceId(id: string): InvitationRef | undefined {
  const parts = id.split(":");
  if (!parts.every(isLangSmithId)) return undefined;
  if (parts.length === 1 && parts[0]) return { kind: "org", pendingId: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { kind: "workspace", workspaceId: parts[0], pendingId: parts[1] };
  return undefined;
}

/** Exclusion group of the org roles (one org role per member) and of one workspace's roles (at most one there). */
export const ORG_ROLE_EXCLUSION_GROUP = "org_role";
export function workspaceRoleExclusionGroup(workspaceId: string): string {
  return `workspace_role:${workspaceId}`;
}

/** LangSmith's machine names of the two built-in roles behind implicit access: an Organization Admin is Admin in every workspace. */
export const ORG_ADMIN_ROLE_NAME = "ORGANIZATION_ADMIN";
export const WORKSPACE_ADMIN_ROLE_NAME = "WORKSPACE_ADMIN";

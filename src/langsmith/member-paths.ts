// API paths of the member and invitation writes (one home for each; identity ids are path-encoded by the helpers).

export const ORG_MEMBERS_PATH = "/api/v1/orgs/current/members";
export const ORG_PENDING_PATH = "/api/v1/orgs/current/members/pending";
export const WORKSPACE_PENDING_PATH = "/api/v1/workspaces/current/members/pending";

/** PATCH (org role) and DELETE (remove from the org) take the org identity id. */
export function orgMemberPath(orgIdentityId: string): string {
  return `${ORG_MEMBERS_PATH}/${encodeURIComponent(orgIdentityId)}`;
}

/** PATCH (org role of the invite) and DELETE (cancel) take the pending identity id. */
export function orgInvitePath(pendingId: string): string {
  return `${ORG_MEMBERS_PATH}/${encodeURIComponent(pendingId)}/pending`;
}

/** DELETE cancels a workspace invite; takes the workspace pending id (with X-Tenant-Id). */
export function workspaceInvitePath(pendingId: string): string {
  return `/api/v1/workspaces/current/members/${encodeURIComponent(pendingId)}/pending`;
}

// Every LangSmith API path this client calls, in one place (the client, the connector's page guards and
// error messages name them from here).
export const API_PATHS = {
  organization: "/api/v1/orgs/current",
  roles: "/api/v1/orgs/current/roles",
  workspaces: "/api/v1/workspaces",
  /** POST invites one person to the org. */
  orgMembers: "/api/v1/orgs/current/members",
  orgMembersActive: "/api/v1/orgs/current/members/active",
  orgMembersPending: "/api/v1/orgs/current/members/pending",
  /** The org-wide listing with each member's workspace roles (LangSmith's Go platform service, always under /api). */
  platformMembers: "/api/v1/platform/orgs/current/members",
  workspaceMembers: "/api/v1/workspaces/current/members",
  workspaceMembersActive: "/api/v1/workspaces/current/members/active",
  workspaceMembersPending: "/api/v1/workspaces/current/members/pending",
  serviceKeys: "/api/v1/orgs/current/service-keys",
  /** The caller's own PATs (a service key has none). */
  personalAccessTokens: "/api/v1/orgs/current/personal-access-tokens",
  /** Every member's PATs; permission organization:pats:read; in no published spec. */
  orgPersonalAccessTokens: "/api/v1/orgs/current/members/personal-access-tokens",
  serviceAccounts: "/api/v1/service-accounts",
} as const;

/** One workspace member (PATCH to change the role, DELETE to remove), by workspace identity id. */
export function workspaceMemberPath(identityId: string): string {
  return `${API_PATHS.workspaceMembers}/${encodeURIComponent(identityId)}`;
}

/** One org member (PATCH to change the org role, DELETE to remove from the org), by org identity id. */
export function orgMemberPath(orgIdentityId: string): string {
  return `${API_PATHS.orgMembers}/${encodeURIComponent(orgIdentityId)}`;
}

/** One pending org invitation (PATCH to change its org role, DELETE to cancel), by pending id. */
export function orgInvitePath(pendingId: string): string {
  return `${API_PATHS.orgMembers}/${encodeURIComponent(pendingId)}/pending`;
}

/** One pending workspace invitation (DELETE to cancel, with X-Tenant-Id), by that workspace's pending id. */
export function workspaceInvitePath(pendingId: string): string {
  return `${workspaceMemberPath(pendingId)}/pending`;
}

/** One service key (DELETE), by key id. */
export function serviceKeyPath(keyId: string): string {
  return `${API_PATHS.serviceKeys}/${encodeURIComponent(keyId)}`;
}

// Every LangSmith API path this client calls, in one place (the client, the connector's page guards and
// error messages name them from here).
export const API_PATHS = {
  organization: "/api/v1/orgs/current",
  roles: "/api/v1/orgs/current/roles",
  workspaces: "/api/v1/workspaces",
  orgMembersActive: "/api/v1/orgs/current/members/active",
  orgMembersPending: "/api/v1/orgs/current/members/pending",
  /** The org-wide listing with each member's workspace roles (LangSmith's Go platform service, always under /api). */
  platformMembers: "/api/v1/platform/orgs/current/members",
  workspaceMembers: "/api/v1/workspaces/current/members",
  workspaceMembersActive: "/api/v1/workspaces/current/members/active",
  workspaceMembersPending: "/api/v1/workspaces/current/members/pending",
  serviceKeys: "/api/v1/orgs/current/service-keys",
  personalAccessTokens: "/api/v1/orgs/current/personal-access-tokens",
} as const;

/** One workspace member (PATCH to change the role, DELETE to remove), by workspace identity id. */
export function workspaceMemberPath(identityId: string): string {
  return `${API_PATHS.workspaceMembers}/${encodeURIComponent(identityId)}`;
}

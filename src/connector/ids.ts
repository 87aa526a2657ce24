// Resource type ids and the id formulas. Changing any of these changes every id ConductorOne stores.

export const USER = "user";
export const WORKSPACE = "workspace";
export const ORG_ROLE = "org_role";
export const WORKSPACE_ROLE = "workspace_role";

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

/** LangSmith's machine names of the two built-in roles behind implicit access: an Organization Admin is Admin in every workspace. */
export const ORG_ADMIN_ROLE_NAME = "ORGANIZATION_ADMIN";
export const WORKSPACE_ADMIN_ROLE_NAME = "WORKSPACE_ADMIN";

// Domain shapes the rest of the code sees: camelCase, normalised, independent of the wire format.

export type AccessScope = "organization" | "workspace";

export interface Role {
  id: string;
  /** Machine name: ORGANIZATION_ADMIN, WORKSPACE_USER, …; every custom role is "CUSTOM". */
  name: string;
  displayName: string;
  description: string;
  accessScope: AccessScope | null;
  /** Custom roles belong to the org; built-ins have no organization id. */
  custom: boolean;
  permissions: string[];
}

export interface Workspace {
  id: string;
  displayName: string;
  handle?: string;
  personal: boolean;
  deleted: boolean;
  createdAt?: string;
}

/** An active organization member (one org identity). */
export interface OrgMember {
  /** Org identity id (a membership id, not a user id). */
  identityId: string;
  lsUserId: string;
  userId?: string;
  email?: string;
  fullName?: string;
  disabled: boolean;
  orgRoleId?: string;
  createdAt?: string;
}

/** An active member of one workspace (one workspace identity). */
export interface WorkspaceMember {
  /** Workspace identity id: what PATCH/DELETE /workspaces/current/members/{id} take. */
  identityId: string;
  workspaceId: string;
  lsUserId: string;
  email?: string;
  disabled: boolean;
  roleId?: string;
}

/**
 * A pending invitation row. Org rows: `roleId` is the org role, with the workspaces it joins on acceptance
 * (`workspaceIds`, all with `workspaceRoleId`). Workspace rows: `roleId` is the workspace role and
 * `workspaceId` the workspace. Its `id` is a pending id (neither an org nor a workspace identity id).
 */
export interface PendingInvite {
  id: string;
  email: string;
  roleId?: string;
  workspaceIds: string[];
  workspaceRoleId?: string;
  workspaceId?: string;
  createdAt?: string;
}

/** A row of the org-wide platform listing: the member and every workspace role they hold. */
export interface PlatformMember {
  identityId: string;
  pending: boolean;
  lsUserId?: string;
  email?: string;
  fullName?: string;
  disabled: boolean;
  orgRoleId?: string;
  createdAt?: string;
  workspaceMemberships: Array<{ workspaceId: string; roleId?: string }>;
}

export interface Organization {
  id?: string;
  displayName?: string;
  personal?: boolean;
}

export interface ApiKeyInfo {
  id: string;
  shortKey: string;
  description?: string;
  accessScope?: AccessScope | null;
  roleId?: string;
  orgRoleId?: string;
  createdAt?: string;
  lastUsedAt?: string;
  expiresAt?: string;
  workspaceNames: string[];
  /** Who created the key, as LangSmith reports it: an ls_user_id, an identity id, an email or a bare username. */
  createdBy?: string;
}

/** A row of the org-wide PAT listing: the token plus its owner. */
export interface PersonalAccessTokenInfo extends ApiKeyInfo {
  owner: { lsUserId?: string; userId?: string; email?: string; identityId?: string };
}

export interface ServiceAccountInfo {
  id: string;
  name: string;
  createdAt?: string;
  defaultWorkspaceId?: string;
}

export interface CreateServiceKeyInput {
  description: string;
  /** ISO 8601; absent = never expires. */
  expiresAt?: string;
  /** Workspace ids; absent = an org-wide key. */
  workspaceIds?: string[];
  /** Workspace role. */
  roleId?: string;
  /** Org role (org-wide keys only). */
  orgRoleId?: string;
  defaultWorkspaceId?: string;
}

/** A created key: the only time LangSmith returns the full key. */
export interface CreatedServiceKey extends ApiKeyInfo {
  key: string;
}

export interface Page<T> {
  items: T[];
  /** Total rows the server reports (X-Pagination-Total), when it sends one. */
  total?: number;
}

export interface PlatformPage extends Page<PlatformMember> {
  /** X-Members-List-All-Workspaces: the rows show every workspace membership, not only those the key can see. */
  allWorkspaces: boolean;
}

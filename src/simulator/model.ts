/**
 * In-memory entities of a simulated LangSmith organization. Timestamps are
 * integer microseconds since the epoch (the backend emits microsecond precision).
 */

export type AccessScope = "organization" | "workspace";

export interface Role {
  id: string;
  name: string; // ORGANIZATION_ADMIN, …, or "CUSTOM"
  displayName: string;
  description: string;
  organizationId: string | null; // null for built-ins
  permissions: string[];
  accessScope: AccessScope;
  custom: boolean;
}

export interface Workspace {
  id: string;
  displayName: string;
  handle: string;
  createdAt: number;
  isPersonal: boolean;
  isDeleted: boolean;
  /** Active workspace identities, sorted created_at desc, then id asc. */
  members: Membership[];
  /** Pending workspace invites, same order. */
  pending: WorkspacePending[];
}

export type LoginProvider = "email" | "supabase:sso" | "oidc";
export type Provisioning = "scim" | "saml:jit" | null;

export interface User {
  /** Org identity id (the `id` of org member rows). */
  id: string;
  lsUserId: string;
  userId: string;
  loginId: string;
  email: string;
  fullName: string;
  firstName: string;
  lastName: string;
  provider: LoginProvider;
  provisioning: Provisioning;
  createdAt: number;
  disabled: boolean;
  orgRole: Role;
  /** Workspace identities of this user (any order). */
  memberships: Membership[];
  /** Removed from the org (kept only so stale references can tell). */
  removed: boolean;
}

export interface Membership {
  /** Workspace identity id. */
  id: string;
  ws: Workspace;
  user: User;
  role: Role;
  createdAt: number;
}

export interface Invite {
  /** Org pending identity id. */
  id: string;
  email: string;
  orgRole: Role;
  workspaceRole: Role | null;
  workspaces: WorkspacePending[];
  createdAt: number;
  userId: string | null;
}

export interface WorkspacePending {
  /** Workspace pending identity id (distinct from the org pending id). */
  id: string;
  /** The org invite this row is part of; null for a workspace invite of someone already in the org. */
  invite: Invite | null;
  /** The invited org member when `invite` is null. */
  member: User | null;
  email: string;
  /** The workspace role the invitee gets on acceptance. */
  role: Role;
  ws: Workspace;
  createdAt: number;
}

export type KeyKind = "pat" | "service";

export interface ApiKey {
  id: string;
  key: string;
  kind: KeyKind;
  description: string;
  accessScope: AccessScope;
  /** For workspace-scoped keys: the workspaces in scope. */
  workspaces: Workspace[];
  /** Workspace role the key carries (service keys). */
  role: Role | null;
  /** Org role the key carries (org-scoped service keys). */
  orgRole: Role | null;
  /** PAT owner. */
  owner: User | null;
  /** The service account a service key belongs to, if any. */
  serviceAccount: ServiceAccount | null;
  defaultWorkspace: Workspace | null;
  createdAt: number;
  /** As LangSmith reports it: an ls_user_id, an org identity id, an email, a bare username or a service account id. */
  createdBy: string | null;
  lastUsedAt: number | null;
  expiresAt: number | null;
}

export interface ServiceAccount {
  id: string;
  name: string;
  /** The org identity LangSmith creates for the account (returned on create only). */
  organizationIdentityId: string;
  defaultWorkspace: Workspace | null;
  createdAt: number;
  updatedAt: number;
}

/** Rows are ordered newest first; ties broken by id ascending. */
export function byCreatedDescThenId(a: { createdAt: number; id: string }, b: { createdAt: number; id: string }): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** FastAPI/pydantic style: 2025-02-03T17:22:41.118402+00:00 */
export function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const frac = String(us - ms * 1000).padStart(3, "0");
  return new Date(ms).toISOString().slice(0, 23) + frac + "+00:00";
}

/** Go/RFC 3339 style: 2025-02-03T17:20:00Z */
export function rfc3339(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 19) + "Z";
}

/**
 * The in-process view tests use to arrange and check a simulated org
 * (`SimulatorState`), and the ground truth a correct sync must reproduce.
 */
import { isoMicros, type ApiKey, type Invite, type Membership, type Role, type User, type WorkspacePending } from "./model.js";
import type { OrgStore } from "./store.js";

export interface RoleInfo {
  id: string;
  name: string;
  displayName: string;
  accessScope: "organization" | "workspace";
  custom: boolean;
  permissions: string[];
}

export interface WorkspaceInfo {
  id: string;
  displayName: string;
  isPersonal: boolean;
  isDeleted: boolean;
  createdAt: string;
  memberCount: number;
}

export interface OrgMemberInfo {
  orgIdentityId: string;
  lsUserId: string;
  userId: string;
  email: string;
  fullName: string;
  disabled: boolean;
  orgRoleId: string;
  createdAt: string;
}

export interface WorkspaceMemberInfo {
  workspaceIdentityId: string;
  workspaceId: string;
  lsUserId: string;
  roleId: string;
  createdAt: string;
}

export interface PendingInviteInfo {
  id: string;
  email: string;
  orgRoleId: string;
  workspaceIds: string[];
  workspaceRoleId: string | null;
  createdAt: string;
}

/** A pending workspace invitation (part of an org invite, or for someone already in the org). */
export interface WorkspaceInviteInfo {
  id: string;
  workspaceId: string;
  email: string;
  roleId: string;
  /** The org invite it is part of, or null. */
  orgInviteId: string | null;
  /** The invited org member's ls_user_id when it is not part of an org invite. */
  lsUserId: string | null;
}

/** An API key as the ground truth knows it (never the full key string). */
export interface ApiKeyInfo {
  id: string;
  kind: "service" | "pat";
  description: string;
  accessScope: "organization" | "workspace";
  /** Workspaces in scope (workspace-scoped keys), by id, deleted ones included. */
  workspaceIds: string[];
  roleId: string | null;
  orgRoleId: string | null;
  createdBy: string | null;
  /** The PAT owner's ls_user_id. */
  ownerLsUserId: string | null;
  serviceAccountId: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  /** `lsv2_sk_...abcd`, as LangSmith shows it. */
  shortKey: string;
}

export interface ServiceAccountInfo {
  id: string;
  name: string;
  organizationIdentityId: string;
  createdAt: string;
}

export interface SimulatorState {
  readonly orgId: string;
  roles(): RoleInfo[];
  /** A role by `name` (built-ins) or display name (custom roles); throws when unknown. */
  role(nameOrDisplayName: string): RoleInfo;
  /** Every workspace, personal and deleted ones included (see the flags), in creation order. */
  workspaces(): WorkspaceInfo[];
  /** Active org members (disabled included), newest first. */
  orgMembers(): OrgMemberInfo[];
  /** Active workspace identities of one workspace, newest first. */
  workspaceMembers(workspaceId: string): WorkspaceMemberInfo[];
  pendingInvites(): PendingInviteInfo[];
  addOrgMember(input: { email: string; name: string; orgRoleName?: string; disabled?: boolean }): OrgMemberInfo;
  /** Removes the org member and their workspace identities; false when not a member. */
  removeOrgMember(lsUserId: string): boolean;
  /** Adds, changes (roleId) or removes (null) a workspace membership. */
  setWorkspaceRole(workspaceId: string, lsUserId: string, roleId: string | null): WorkspaceMemberInfo | null;
  disableUser(lsUserId: string, disabled?: boolean): void;
  /** Invites someone to the org (as POST /orgs/current/members would). */
  invite(input: { email: string; orgRoleName?: string; workspaceIds?: string[]; workspaceRoleName?: string }): PendingInviteInfo;
  /**
   * Test hook, not an API LangSmith offers a service key: the invitee (by pending id or email) accepts and
   * becomes an active member with the invite's org role and workspace roles.
   */
  acceptInvite(idOrEmail: string, name?: string): OrgMemberInfo;
  /** Pending workspace invites of a workspace (org invites' rows and invites of existing members). */
  workspaceInvites(workspaceId: string): WorkspaceInviteInfo[];
  /** A pending workspace invite for an existing org member. */
  inviteMemberToWorkspace(workspaceId: string, lsUserId: string, roleId: string): WorkspaceInviteInfo;
  /** Test hook: the member accepts a workspace invite. */
  acceptWorkspaceInvite(workspaceId: string, pendingId: string): WorkspaceMemberInfo;
  /** Every API key of the org, service keys and PATs, in creation order. */
  keys(): ApiKeyInfo[];
  /** The full key string of a key (tests use it to authenticate as that key). */
  keySecret(keyId: string): string;
  serviceAccounts(): ServiceAccountInfo[];
  renameWorkspace(workspaceId: string, displayName: string): void;
  /** Changes a member's organization role (by name, e.g. ORGANIZATION_ADMIN), as LangSmith's settings page does. */
  setOrgRole(lsUserId: string, orgRoleName: string): void;
}

/** A user as the ground truth lists them: exactly the active org member's facts. */
export type GroundTruthUser = OrgMemberInfo;

export interface GroundTruth {
  orgId: string;
  /** Active org members only (disabled included). */
  users: GroundTruthUser[];
  /** Synced workspaces: not personal, not deleted. */
  workspaces: Array<{ id: string; displayName: string }>;
  roles: Array<{ id: string; name: string; displayName: string; accessScope: "organization" | "workspace"; custom: boolean }>;
  /** Memberships in synced workspaces only. */
  workspaceMemberships: Array<{ workspaceId: string; lsUserId: string; roleId: string; workspaceIdentityId: string }>;
  pendingInvites: number;
  /** Org invites with the access each brings (in synced workspaces). */
  invitations: Array<{ id: string; email: string; orgRoleId: string; workspaceRoles: Array<{ workspaceId: string; roleId: string }> }>;
  /** Pending workspace invites of people already in the org (synced workspaces). */
  memberWorkspaceInvites: Array<{ id: string; workspaceId: string; lsUserId: string; roleId: string }>;
  /** Service keys (org-wide and workspace-scoped) and PATs. */
  serviceKeys: ApiKeyInfo[];
  personalAccessTokens: ApiKeyInfo[];
  serviceAccounts: ServiceAccountInfo[];
  excludedWorkspaces: { personal: number; deleted: number };
  counts: {
    users: number;
    disabledUsers: number;
    orgAdmins: number;
    workspaces: number;
    roles: number;
    customRoles: number;
    workspaceMemberships: number;
    pendingInvites: number;
    workspacePendingInvites: number;
  };
}

export function keyInfo(k: ApiKey): ApiKeyInfo {
  return {
    id: k.id,
    kind: k.kind,
    description: k.description,
    accessScope: k.accessScope,
    workspaceIds: k.workspaces.map((w) => w.id),
    roleId: k.role?.id ?? null,
    orgRoleId: k.orgRole?.id ?? null,
    createdBy: k.createdBy,
    ownerLsUserId: k.owner?.lsUserId ?? null,
    serviceAccountId: k.serviceAccount?.id ?? null,
    createdAt: isoMicros(k.createdAt),
    lastUsedAt: k.lastUsedAt === null ? null : isoMicros(k.lastUsedAt),
    expiresAt: k.expiresAt === null ? null : isoMicros(k.expiresAt),
    shortKey: `${k.key.slice(0, 8)}...${k.key.slice(-4)}`,
  };
}

function roleInfo(r: Role): RoleInfo {
  return { id: r.id, name: r.name, displayName: r.displayName, accessScope: r.accessScope, custom: r.custom, permissions: [...r.permissions] };
}

function memberInfo(u: User): OrgMemberInfo {
  return {
    orgIdentityId: u.id,
    lsUserId: u.lsUserId,
    userId: u.userId,
    email: u.email,
    fullName: u.fullName,
    disabled: u.disabled,
    orgRoleId: u.orgRole.id,
    createdAt: isoMicros(u.createdAt),
  };
}

function inviteInfo(i: Invite): PendingInviteInfo {
  return {
    id: i.id,
    email: i.email,
    orgRoleId: i.orgRole.id,
    workspaceIds: i.workspaces.map((p) => p.ws.id),
    workspaceRoleId: i.workspaceRole?.id ?? null,
    createdAt: isoMicros(i.createdAt),
  };
}

function wsInviteInfo(p: WorkspacePending): WorkspaceInviteInfo {
  return { id: p.id, workspaceId: p.ws.id, email: p.email, roleId: p.role.id, orgInviteId: p.invite?.id ?? null, lsUserId: p.member?.lsUserId ?? null };
}

function wsMemberInfo(m: Membership): WorkspaceMemberInfo {
  return { workspaceIdentityId: m.id, workspaceId: m.ws.id, lsUserId: m.user.lsUserId, roleId: m.role.id, createdAt: isoMicros(m.createdAt) };
}

export function createState(store: OrgStore): SimulatorState {
  const userOf = (lsUserId: string): User => {
    const u = store.usersByLsUserId.get(lsUserId);
    if (!u) throw new Error(`no active org member with ls_user_id ${lsUserId}`);
    return u;
  };
  const state: SimulatorState = {
    orgId: store.id,
    roles: () => store.roles.map(roleInfo),
    role: (name) => {
      const r = store.roleByName(name);
      if (!r) throw new Error(`unknown role ${name}`);
      return roleInfo(r);
    },
    workspaces: () =>
      store.workspaces.map((ws) => ({
        id: ws.id,
        displayName: ws.displayName,
        isPersonal: ws.isPersonal,
        isDeleted: ws.isDeleted,
        createdAt: isoMicros(ws.createdAt),
        memberCount: ws.members.length,
      })),
    orgMembers: () => store.users.map(memberInfo),
    workspaceMembers: (workspaceId) => {
      const ws = store.workspacesById.get(workspaceId);
      if (!ws) throw new Error(`unknown workspace ${workspaceId}`);
      return ws.members.map(wsMemberInfo);
    },
    pendingInvites: () => store.invites.map(inviteInfo),
    addOrgMember: ({ email, name, orgRoleName, disabled }) => {
      if (store.usersByEmail.has(email.toLowerCase())) throw new Error(`${email} is already an org member`);
      const orgRole = store.roleByName(orgRoleName ?? "ORGANIZATION_USER");
      if (!orgRole || orgRole.accessScope !== "organization") throw new Error(`not an organization role: ${orgRoleName}`);
      return memberInfo(store.createUser({ email, name, orgRole, disabled }));
    },
    removeOrgMember: (lsUserId) => {
      const u = store.usersByLsUserId.get(lsUserId);
      if (!u) return false;
      store.removeUser(u);
      return true;
    },
    setWorkspaceRole: (workspaceId, lsUserId, roleId) => {
      const ws = store.workspacesById.get(workspaceId);
      if (!ws) throw new Error(`unknown workspace ${workspaceId}`);
      const user = userOf(lsUserId);
      const existing = store.membershipOf(ws, user);
      if (roleId === null) {
        if (existing) store.removeMembership(existing);
        return null;
      }
      const role = store.rolesById.get(roleId);
      if (!role || role.accessScope !== "workspace") throw new Error(`not a workspace role: ${roleId}`);
      if (existing) {
        existing.role = role;
        return wsMemberInfo(existing);
      }
      return wsMemberInfo(store.addMembership(ws, user, role));
    },
    disableUser: (lsUserId, disabled = true) => {
      userOf(lsUserId).disabled = disabled;
    },
    invite: ({ email, orgRoleName, workspaceIds, workspaceRoleName }) => {
      if (store.usersByEmail.has(email.toLowerCase()) || store.inviteByEmail(email)) throw new Error(`${email} is already a member or invited`);
      const orgRole = store.roleByName(orgRoleName ?? "ORGANIZATION_USER");
      if (!orgRole || orgRole.accessScope !== "organization") throw new Error(`not an organization role: ${orgRoleName}`);
      const workspaceRole = workspaceRoleName ? store.roleByName(workspaceRoleName) ?? null : null;
      if (workspaceRoleName && workspaceRole?.accessScope !== "workspace") throw new Error(`not a workspace role: ${workspaceRoleName}`);
      const workspaces = (workspaceIds ?? []).map((id) => {
        const ws = store.workspacesById.get(id);
        if (!ws) throw new Error(`unknown workspace ${id}`);
        return ws;
      });
      return inviteInfo(store.createInvite({ email, orgRole, workspaces, workspaceRole }));
    },
    acceptInvite: (idOrEmail, name) => {
      const inv = store.invitesById.get(idOrEmail) ?? store.inviteByEmail(idOrEmail);
      if (!inv) throw new Error(`no pending invite ${idOrEmail}`);
      return memberInfo(store.acceptInvite(inv, name ?? inv.email.split("@")[0]!));
    },
    workspaceInvites: (workspaceId) => {
      const ws = store.workspacesById.get(workspaceId);
      if (!ws) throw new Error(`unknown workspace ${workspaceId}`);
      return ws.pending.map(wsInviteInfo);
    },
    inviteMemberToWorkspace: (workspaceId, lsUserId, roleId) => {
      const ws = store.workspacesById.get(workspaceId);
      if (!ws) throw new Error(`unknown workspace ${workspaceId}`);
      const role = store.rolesById.get(roleId);
      if (!role || role.accessScope !== "workspace") throw new Error(`not a workspace role: ${roleId}`);
      return wsInviteInfo(store.createWorkspaceInvite(ws, userOf(lsUserId), role));
    },
    acceptWorkspaceInvite: (workspaceId, pendingId) => {
      const ws = store.workspacesById.get(workspaceId);
      const p = ws?.pending.find((x) => x.id === pendingId);
      if (!p) throw new Error(`no pending workspace invite ${pendingId} in ${workspaceId}`);
      return wsMemberInfo(store.acceptWorkspaceInvite(p));
    },
    keys: () => store.keys.map(keyInfo),
    keySecret: (keyId) => {
      const k = store.keysById.get(keyId);
      if (!k) throw new Error(`no key ${keyId}`);
      return k.key;
    },
    serviceAccounts: () =>
      store.serviceAccounts.map((sa) => ({ id: sa.id, name: sa.name, organizationIdentityId: sa.organizationIdentityId, createdAt: isoMicros(sa.createdAt) })),
    renameWorkspace: (workspaceId, displayName) => {
      const ws = store.workspacesById.get(workspaceId);
      if (!ws) throw new Error(`unknown workspace ${workspaceId}`);
      ws.displayName = displayName;
    },
    setOrgRole: (lsUserId, orgRoleName) => {
      const orgRole = store.roleByName(orgRoleName);
      if (!orgRole || orgRole.accessScope !== "organization") throw new Error(`not an organization role: ${orgRoleName}`);
      userOf(lsUserId).orgRole = orgRole;
    },
  };
  return state;
}

export function groundTruth(store: OrgStore): GroundTruth {
  const synced = store.workspaces.filter((ws) => !ws.isPersonal && !ws.isDeleted);
  const users = store.users.map((u) => ({
    lsUserId: u.lsUserId,
    orgIdentityId: u.id,
    userId: u.userId,
    email: u.email,
    fullName: u.fullName,
    disabled: u.disabled,
    orgRoleId: u.orgRole.id,
    createdAt: isoMicros(u.createdAt),
  }));
  const workspaceMemberships: GroundTruth["workspaceMemberships"] = [];
  let workspacePendingInvites = 0;
  for (const ws of synced) {
    for (const m of ws.members) workspaceMemberships.push({ workspaceId: ws.id, lsUserId: m.user.lsUserId, roleId: m.role.id, workspaceIdentityId: m.id });
    workspacePendingInvites += ws.pending.length;
  }
  const roles = store.roles.map((r) => ({ id: r.id, name: r.name, displayName: r.displayName, accessScope: r.accessScope, custom: r.custom }));
  return {
    orgId: store.id,
    users,
    workspaces: synced.map((ws) => ({ id: ws.id, displayName: ws.displayName })),
    roles,
    workspaceMemberships,
    pendingInvites: store.invites.length,
    invitations: store.invites.map((i) => ({
      id: i.id,
      email: i.email,
      orgRoleId: i.orgRole.id,
      workspaceRoles: i.workspaces.filter((p) => !p.ws.isDeleted && !p.ws.isPersonal).map((p) => ({ workspaceId: p.ws.id, roleId: p.role.id })),
    })),
    memberWorkspaceInvites: synced.flatMap((ws) => ws.pending.filter((p) => p.member).map((p) => ({ id: p.id, workspaceId: ws.id, lsUserId: p.member!.lsUserId, roleId: p.role.id }))),
    serviceKeys: store.keys.filter((k) => k.kind === "service").map(keyInfo),
    personalAccessTokens: store.keys.filter((k) => k.kind === "pat" && k.owner && !k.owner.removed).map(keyInfo),
    serviceAccounts: store.serviceAccounts.map((sa) => ({ id: sa.id, name: sa.name, organizationIdentityId: sa.organizationIdentityId, createdAt: isoMicros(sa.createdAt) })),
    excludedWorkspaces: {
      personal: store.workspaces.filter((ws) => ws.isPersonal && !ws.isDeleted).length,
      deleted: store.workspaces.filter((ws) => ws.isDeleted).length,
    },
    counts: {
      users: users.length,
      disabledUsers: users.filter((u) => u.disabled).length,
      orgAdmins: store.users.filter((u) => u.orgRole === store.builtin.ORGANIZATION_ADMIN).length,
      workspaces: synced.length,
      roles: roles.length,
      customRoles: roles.filter((r) => r.custom).length,
      workspaceMemberships: workspaceMemberships.length,
      pendingInvites: store.invites.length,
      workspacePendingInvites,
    },
  };
}

/**
 * The in-process view tests use to arrange and check a simulated org
 * (`SimulatorState`), and the ground truth a correct sync must reproduce.
 */
import { isoMicros, type Membership, type Role, type User } from "./model.js";
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
    pendingInvites: () =>
      store.invites.map((i) => ({
        id: i.id,
        email: i.email,
        orgRoleId: i.orgRole.id,
        workspaceIds: i.workspaces.map((p) => p.ws.id),
        workspaceRoleId: i.workspaceRole?.id ?? null,
        createdAt: isoMicros(i.createdAt),
      })),
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

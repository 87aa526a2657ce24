/**
 * OrgStore: one organization's data plus the indexes the routes need
 * (id maps and pre-sorted lists), and the mutations that keep them consistent.
 * Lists are kept sorted (created_at desc, id asc) so a page costs O(page).
 */
import { Prng } from "./prng.js";
import {
  byCreatedDescThenId,
  type ApiKey,
  type Invite,
  type LoginProvider,
  type Membership,
  type Role,
  type ServiceAccount,
  type User,
  type Workspace,
  type WorkspacePending,
} from "./model.js";

type Sortable = { createdAt: number; id: string };

function lowerBound<T extends Sortable>(arr: T[], item: Sortable): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byCreatedDescThenId(arr[mid]!, item) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function sortedInsert<T extends Sortable>(arr: T[], item: T): void {
  arr.splice(lowerBound(arr, item), 0, item);
}

export function sortedRemove<T extends Sortable>(arr: T[], item: T): boolean {
  const i = lowerBound(arr, item);
  if (arr[i] === item) {
    arr.splice(i, 1);
    return true;
  }
  return false;
}

export const BUILTIN_ROLE_NAMES = [
  "ORGANIZATION_ADMIN",
  "ORGANIZATION_OPERATOR",
  "ORGANIZATION_USER",
  "ORGANIZATION_VIEWER",
  "WORKSPACE_ADMIN",
  "WORKSPACE_USER",
  "WORKSPACE_VIEWER",
] as const;
export type BuiltinRoleName = (typeof BUILTIN_ROLE_NAMES)[number];

export class OrgStore {
  readonly id: string;
  readonly displayName: string;
  readonly createdAt: number;
  readonly seed: number;

  readonly roles: Role[] = [];
  readonly rolesById = new Map<string, Role>();
  readonly builtin = {} as Record<BuiltinRoleName, Role>;

  /** All workspaces (regular, personal, deleted) in creation order. */
  readonly workspaces: Workspace[] = [];
  readonly workspacesById = new Map<string, Workspace>();

  /** Active org members (incl. disabled), created_at desc. */
  readonly users: User[] = [];
  readonly usersByIdentity = new Map<string, User>();
  readonly usersByLsUserId = new Map<string, User>();
  readonly usersByUserId = new Map<string, User>();
  readonly usersByEmail = new Map<string, User>();

  /** Org pending invites, created_at desc. */
  readonly invites: Invite[] = [];
  readonly invitesById = new Map<string, Invite>();

  /** Active members and pending invites merged (platform list), created_at desc. */
  readonly platformRows: Array<User | Invite> = [];

  readonly membershipsById = new Map<string, Membership>();
  /** Every API key of the org (service keys and PATs), in creation order. */
  readonly keys: ApiKey[] = [];
  readonly keysById = new Map<string, ApiKey>();
  readonly serviceAccounts: ServiceAccount[] = [];
  /** Told when a key is added or removed, so the server's key index follows (a created key authenticates). */
  keyListener: ((key: ApiKey, added: boolean) => void) | null = null;

  /** Ids for rows created after generation come from their own seeded stream. */
  private readonly mutRng: Prng;
  private lastMicros = 0;
  private finalized = false;

  constructor(init: { id: string; displayName: string; createdAt: number; seed: number }) {
    this.id = init.id;
    this.displayName = init.displayName;
    this.createdAt = init.createdAt;
    this.seed = init.seed;
    this.mutRng = new Prng(init.seed, 0x5eed);
  }

  // ---- building (generator) -------------------------------------------------

  addRole(role: Role): void {
    this.roles.push(role);
    this.rolesById.set(role.id, role);
    if (!role.custom) this.builtin[role.name as BuiltinRoleName] = role;
  }

  addWorkspace(ws: Workspace): void {
    this.workspaces.push(ws);
    this.workspacesById.set(ws.id, ws);
  }

  /** Adds a user during generation (unsorted until finalize()) or afterwards (sorted insert). */
  putUser(user: User): void {
    if (this.finalized) {
      sortedInsert(this.users, user);
      sortedInsert(this.platformRows, user);
    } else {
      this.users.push(user);
      this.platformRows.push(user);
    }
    this.usersByIdentity.set(user.id, user);
    this.usersByLsUserId.set(user.lsUserId, user);
    this.usersByUserId.set(user.userId, user);
    this.usersByEmail.set(user.email.toLowerCase(), user);
    this.bump(user.createdAt);
  }

  putMembership(m: Membership): void {
    if (this.finalized) sortedInsert(m.ws.members, m);
    else m.ws.members.push(m);
    m.user.memberships.push(m);
    this.membershipsById.set(m.id, m);
    this.bump(m.createdAt);
  }

  putInvite(inv: Invite): void {
    if (this.finalized) {
      sortedInsert(this.invites, inv);
      sortedInsert(this.platformRows, inv);
      for (const p of inv.workspaces) sortedInsert(p.ws.pending, p);
    } else {
      this.invites.push(inv);
      this.platformRows.push(inv);
      for (const p of inv.workspaces) p.ws.pending.push(p);
    }
    this.invitesById.set(inv.id, inv);
    this.bump(inv.createdAt);
  }

  finalize(): void {
    this.users.sort(byCreatedDescThenId);
    this.invites.sort(byCreatedDescThenId);
    this.platformRows.sort(byCreatedDescThenId);
    for (const ws of this.workspaces) {
      ws.members.sort(byCreatedDescThenId);
      ws.pending.sort(byCreatedDescThenId);
    }
    this.finalized = true;
  }

  private bump(us: number): void {
    if (us > this.lastMicros) this.lastMicros = us;
  }

  // ---- clock and ids for mutations ------------------------------------------

  /** Wall-clock microseconds, strictly increasing and never before seeded data. */
  nowMicros(): number {
    const now = Date.now() * 1000;
    this.lastMicros = Math.max(now, this.lastMicros + 1);
    return this.lastMicros;
  }

  newId(): string {
    return this.mutRng.uuid();
  }

  // ---- queries --------------------------------------------------------------

  roleByName(name: string): Role | undefined {
    return this.roles.find((r) => r.name === name || r.displayName === name);
  }

  membershipOf(ws: Workspace, user: User): Membership | undefined {
    return user.memberships.find((m) => m.ws === ws);
  }

  isOrgAdmin(user: User): boolean {
    return user.orgRole === this.builtin.ORGANIZATION_ADMIN;
  }

  // ---- mutations --------------------------------------------------------------

  addKey(key: ApiKey): void {
    this.keys.push(key);
    this.keysById.set(key.id, key);
    this.keyListener?.(key, true);
  }

  removeKey(key: ApiKey): boolean {
    const i = this.keys.indexOf(key);
    if (i < 0) return false;
    this.keys.splice(i, 1);
    this.keysById.delete(key.id);
    this.keyListener?.(key, false);
    return true;
  }

  /** A key string in LangSmith's shape, from the mutation stream (reproducible per seed). */
  newKeyString(kind: "pt" | "sk"): string {
    return `lsv2_${kind}_${this.mutRng.hex(32)}_${this.mutRng.hex(10)}`;
  }

  createUser(input: { email: string; name: string; orgRole: Role; disabled?: boolean; provider?: LoginProvider }): User {
    const parts = input.name.trim().split(/\s+/);
    const user: User = {
      id: this.newId(),
      lsUserId: this.newId(),
      userId: this.newId(),
      loginId: this.newId(),
      email: input.email,
      fullName: input.name,
      firstName: parts[0] ?? input.name,
      lastName: parts.slice(1).join(" "),
      provider: input.provider ?? "email",
      provisioning: null,
      createdAt: this.nowMicros(),
      disabled: input.disabled ?? false,
      orgRole: input.orgRole,
      memberships: [],
      removed: false,
    };
    this.putUser(user);
    return user;
  }

  /** Removes an org member; cascades to their workspace identities and workspace invites (their PATs stop working). */
  removeUser(user: User): void {
    for (const m of [...user.memberships]) this.removeMembership(m);
    for (const ws of this.workspaces) for (const p of ws.pending.filter((x) => x.member === user)) this.removeWorkspacePending(p);
    sortedRemove(this.users, user);
    sortedRemove(this.platformRows, user);
    this.usersByIdentity.delete(user.id);
    this.usersByLsUserId.delete(user.lsUserId);
    this.usersByUserId.delete(user.userId);
    this.usersByEmail.delete(user.email.toLowerCase());
    user.removed = true;
  }

  addMembership(ws: Workspace, user: User, role: Role): Membership {
    const m: Membership = { id: this.newId(), ws, user, role, createdAt: this.nowMicros() };
    this.putMembership(m);
    return m;
  }

  removeMembership(m: Membership): void {
    sortedRemove(m.ws.members, m);
    const i = m.user.memberships.indexOf(m);
    if (i >= 0) m.user.memberships.splice(i, 1);
    this.membershipsById.delete(m.id);
  }

  // ---- invitations ------------------------------------------------------------

  inviteByEmail(email: string): Invite | undefined {
    const e = email.toLowerCase();
    return this.invites.find((i) => i.email.toLowerCase() === e);
  }

  /** An org invite, pending in each workspace it names with `workspaceRole` (Viewer when none is given). */
  createInvite(input: { email: string; orgRole: Role; workspaces: Workspace[]; workspaceRole: Role | null }): Invite {
    const createdAt = this.nowMicros();
    const inv: Invite = { id: this.newId(), email: input.email, orgRole: input.orgRole, workspaceRole: input.workspaceRole, workspaces: [], createdAt, userId: null };
    const role = input.workspaceRole ?? this.builtin.WORKSPACE_VIEWER;
    for (const ws of input.workspaces) inv.workspaces.push({ id: this.newId(), invite: inv, member: null, email: inv.email, role, ws, createdAt });
    this.putInvite(inv);
    return inv;
  }

  /** Cancels an org invite and its workspace rows. */
  removeInvite(inv: Invite): void {
    for (const p of inv.workspaces) sortedRemove(p.ws.pending, p);
    sortedRemove(this.invites, inv);
    sortedRemove(this.platformRows, inv);
    this.invitesById.delete(inv.id);
  }

  /** A workspace invite for someone already in the org. */
  createWorkspaceInvite(ws: Workspace, member: User, role: Role): WorkspacePending {
    const p: WorkspacePending = { id: this.newId(), invite: null, member, email: member.email, role, ws, createdAt: this.nowMicros() };
    sortedInsert(ws.pending, p);
    return p;
  }

  removeWorkspacePending(p: WorkspacePending): void {
    sortedRemove(p.ws.pending, p);
    if (p.invite) {
      const i = p.invite.workspaces.indexOf(p);
      if (i >= 0) p.invite.workspaces.splice(i, 1);
    }
  }

  /** The invitee accepts: the invite goes, an active member with its org role and workspace roles appears. */
  acceptInvite(inv: Invite, name: string): User {
    this.removeInvite(inv);
    const user = this.createUser({ email: inv.email, name, orgRole: inv.orgRole });
    for (const p of inv.workspaces) if (!p.ws.isDeleted) this.addMembership(p.ws, user, p.role);
    return user;
  }

  /** An existing member accepts a workspace invite. */
  acceptWorkspaceInvite(p: WorkspacePending): Membership {
    if (!p.member) throw new Error("not a workspace invite of an org member");
    this.removeWorkspacePending(p);
    const existing = this.membershipOf(p.ws, p.member);
    if (existing) {
      existing.role = p.role;
      return existing;
    }
    return this.addMembership(p.ws, p.member, p.role);
  }

  orgAdminCount(): number {
    return this.users.filter((u) => this.isOrgAdmin(u)).length;
  }
}

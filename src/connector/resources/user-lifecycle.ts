// Joiners and leavers. Creating an account invites the person (LangSmith has no other way in for a service
// key): the result is the invitation, and they must accept it. Removing a user removes their org membership,
// and LangSmith ends their workspace memberships with it.
import type { JsonValue } from "../../baton/model.js";
import type { LangSmithClient, Logger, OrgMember, PendingInvite, Role, Workspace } from "../../langsmith/index.js";
import { invitationResource, userResource } from "../builders.js";
import { isDefaultOrgRole } from "../exclusion-groups.js";
import { ORG_ADMIN_ROLE_NAME, isLangSmithId } from "../ids.js";
import {
  type AccountCreationSchema,
  type AccountInfo,
  type AccountManager,
  type ActionContext,
  type ActionOutcome,
  type CreateAccountOutcome,
  ProvisioningRefusedError,
  type ResourceDeleter,
} from "../resource-type-module.js";
import { verifiedWrite } from "../verified-write.js";
import { findOrgInviteByEmail } from "./invitation.js";
import { countOrgAdmins } from "./org-role-provisioner.js";

/** The create-account request is unusable as given (bad input: nothing was asked of LangSmith). */
export class AccountRequestError extends Error {
  override name = "AccountRequestError";
}

/** The id names no LangSmith user (bad input: nothing was asked of LangSmith). */
export class UserIdError extends Error {
  override name = "UserIdError";
  constructor(id: string) {
    super(`"${id}" is not a user id: users are keyed by their LangSmith ls_user_id (a UUID), as the user resources of a sync show`);
  }
}

/** The keys --create-account-profile accepts (and ConductorOne's form shows). */
export const PROFILE_KEYS = ["email", "org_role", "workspaces", "workspace_role"] as const;

export const accountCreationSchema: AccountCreationSchema = {
  fields: [
    {
      name: "email",
      displayName: "Email",
      description: "Where LangSmith sends the invitation (else the account's primary email or login).",
      required: false,
      kind: "string",
      placeholder: "jane@example.com",
    },
    {
      name: "org_role",
      displayName: "Organization role",
      description: "Organization role the invitation brings: a role id, name or display name (default Organization User).",
      required: false,
      kind: "string",
      placeholder: "Organization User",
    },
    {
      name: "workspaces",
      displayName: "Workspaces",
      description: "Workspaces the person joins on acceptance: workspace ids or display names.",
      required: false,
      kind: "string_list",
      placeholder: "Production",
    },
    {
      name: "workspace_role",
      displayName: "Workspace role",
      description: "The role in those workspaces (one role for all of them, as a LangSmith invitation carries): id, name or display name (default Viewer).",
      required: false,
      kind: "string",
      placeholder: "Viewer",
    },
  ],
};

interface AccountRequest {
  email: string;
  /** Absent: a new invitation gets Organization User, an existing one keeps its role. */
  orgRole?: Role;
  /** Absent: a new invitation joins no workspace, an existing one keeps its workspaces. */
  workspaces?: Workspace[];
  workspaceRole?: Role;
  /** What a new invitation gets when no org role is asked for. */
  defaultOrgRole?: Role;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Reads the request without asking LangSmith anything (so bad input fails before any request). */
export function readAccountInfo(account: AccountInfo): { email: string; orgRole?: string; workspaces?: string[] | Record<string, string>; workspaceRole?: string } {
  const p = account.profile ?? {};
  const unknown = Object.keys(p).filter((k) => !(PROFILE_KEYS as readonly string[]).includes(k));
  if (unknown.length) throw new AccountRequestError(`--create-account-profile has unknown key(s) ${unknown.join(", ")}: use ${PROFILE_KEYS.join(", ")}`);
  const str = (k: string): string | undefined => {
    const v = p[k];
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v !== "string") throw new AccountRequestError(`--create-account-profile "${k}" must be a string`);
    return v.trim();
  };
  const primary = account.emails.find((e) => e.primary) ?? account.emails[0];
  const login = account.login && EMAIL.test(account.login) ? account.login : undefined;
  const email = (str("email") ?? primary?.address ?? login)?.trim();
  if (!email) throw new AccountRequestError("no email to invite: pass --create-account-email (or an email as --create-account-login)");
  if (!EMAIL.test(email)) throw new AccountRequestError(`"${email}" is not an email address: LangSmith invites people by email`);
  let workspaces: string[] | Record<string, string> | undefined;
  const w = p.workspaces as JsonValue | undefined;
  if (Array.isArray(w)) {
    if (!w.every((x) => typeof x === "string" && x.trim() !== "")) throw new AccountRequestError('--create-account-profile "workspaces" must list workspace ids or names');
    workspaces = (w as string[]).map((x) => x.trim());
  } else if (w && typeof w === "object") {
    if (!Object.values(w).every((x) => typeof x === "string")) throw new AccountRequestError('--create-account-profile "workspaces" as an object maps each workspace to a role name');
    workspaces = w as Record<string, string>;
  } else if (w !== undefined && w !== null) {
    throw new AccountRequestError('--create-account-profile "workspaces" must be a list of workspace ids or names');
  }
  return { email: email.toLowerCase(), orgRole: str("org_role"), workspaces, workspaceRole: str("workspace_role") };
}

function resolveRole(roles: Role[], scope: "organization" | "workspace", wanted: string, key: string): Role {
  const w = wanted.toLowerCase();
  const found = roles.filter((r) => r.accessScope === scope && (r.id === w || r.name.toLowerCase() === w || r.displayName.toLowerCase() === w));
  if (found.length === 1) return found[0]!;
  const names = roles.filter((r) => r.accessScope === scope).map((r) => r.displayName).join(", ");
  throw new AccountRequestError(`${key} "${wanted}" ${found.length ? "is ambiguous" : `is not a LangSmith ${scope} role`}: use one of ${names} (or a role id)`);
}

function resolveWorkspace(workspaces: Workspace[], wanted: string): Workspace {
  const w = wanted.toLowerCase();
  const found = workspaces.filter((x) => x.id === w || x.displayName.toLowerCase() === w);
  if (found.length === 1) return found[0]!;
  throw new AccountRequestError(`workspace "${wanted}" ${found.length ? "names several workspaces: use its id" : "is not a shared LangSmith workspace: use a workspace id or display name as a sync shows it"}`);
}

async function resolveRequest(client: LangSmithClient, raw: ReturnType<typeof readAccountInfo>): Promise<AccountRequest> {
  const [roles, all] = await Promise.all([client.listRoles(), client.listWorkspaces()]);
  const workspaces = all.filter((w) => !w.personal && !w.deleted);
  const req: AccountRequest = { email: raw.email };
  if (raw.orgRole) req.orgRole = resolveRole(roles, "organization", raw.orgRole, "org_role");
  let roleName = raw.workspaceRole;
  if (raw.workspaces !== undefined) {
    const names = Array.isArray(raw.workspaces) ? raw.workspaces : Object.keys(raw.workspaces);
    if (!Array.isArray(raw.workspaces)) {
      const distinct = new Set(Object.values(raw.workspaces).map((r) => resolveRole(roles, "workspace", r, "workspace role").id));
      if (distinct.size > 1) {
        throw new AccountRequestError("a LangSmith invitation gives one role in all its workspaces: ask for one role (workspace_role), and change roles per workspace after they accept");
      }
      roleName = Object.values(raw.workspaces)[0] ?? roleName;
    }
    req.workspaces = [...new Map(names.map((n) => resolveWorkspace(workspaces, n)).map((ws) => [ws.id, ws])).values()];
  }
  if (roleName) req.workspaceRole = resolveRole(roles, "workspace", roleName, "workspace_role");
  else if (req.workspaces?.length) req.workspaceRole = roles.find((r) => r.accessScope === "workspace" && !r.custom && r.name === "WORKSPACE_VIEWER");
  req.defaultOrgRole = roles.find((r) => r.accessScope === "organization" && isDefaultOrgRole(r));
  return req;
}

async function findMemberByEmail(client: LangSmithClient, email: string): Promise<OrgMember | undefined> {
  for await (const page of client.iterateOrgMembers({ emails: [email] })) {
    const found = page.find((m) => m.email?.toLowerCase() === email);
    if (found) return found;
  }
  return undefined;
}

function invitationOf(inv: PendingInvite) {
  return invitationResource({ id: inv.id, pendingId: inv.id, email: inv.email, createdAt: inv.createdAt });
}

/** Does the invitation already bring what was asked (only what was asked is compared)? */
function workspacesMatch(inv: PendingInvite, req: AccountRequest): boolean {
  if (req.workspaces === undefined) return true;
  const have = new Set(inv.workspaceIds);
  if (have.size !== req.workspaces.length || !req.workspaces.every((w) => have.has(w.id))) return false;
  return req.workspaces.length === 0 || !req.workspaceRole || inv.workspaceRoleId === req.workspaceRole.id;
}

export async function createAccount(client: LangSmithClient, logger: Logger, account: AccountInfo): Promise<CreateAccountOutcome> {
  const raw = readAccountInfo(account);
  const req = await resolveRequest(client, raw);
  const member = await findMemberByEmail(client, req.email);
  if (member) {
    return {
      kind: "already-exists",
      message: `${req.email} is already a member of the LangSmith organization (user ${member.lsUserId}); nothing was changed`,
      resource: userResource({ lsUserId: member.lsUserId, orgIdentityId: member.identityId, email: member.email, fullName: member.fullName, disabled: member.disabled, createdAt: member.createdAt }),
      annotations: [],
      plaintexts: [],
    };
  }
  const find = () => findOrgInviteByEmail(client, req.email);
  const existing = await find();
  if (existing) return alignInvitation(client, logger, existing, req);

  const orgRole = req.orgRole ?? req.defaultOrgRole;
  if (!orgRole) throw new AccountRequestError("LangSmith lists no Organization User role to invite with: name one in org_role");
  const input = { email: req.email, roleId: orgRole.id, workspaceIds: req.workspaces?.map((w) => w.id), workspaceRoleId: req.workspaceRole?.id };
  await verifiedWrite(logger, "invite the person", () => client.inviteOrgMember(input), async () => !!(await find()));
  const created = await find();
  if (!created) throw new Error(`LangSmith accepted the invitation of ${req.email} but does not list it as pending; run a sync to see its state`);
  logger.info("invitation sent", { invitation: created.id, workspaces: created.workspaceIds.length });
  return {
    kind: "action-required",
    message: `invited ${req.email} as ${orgRole.displayName}${req.workspaces?.length ? ` to ${req.workspaces.length} workspace(s) as ${req.workspaceRole?.displayName}` : ""}: they must accept the invitation (invitation ${created.id})`,
    resource: invitationOf(created),
    annotations: [],
    plaintexts: [],
  };
}

/** An invitation exists: bring its org role and (when asked) its workspaces in line with the request. */
async function alignInvitation(client: LangSmithClient, logger: Logger, inv: PendingInvite, req: AccountRequest): Promise<CreateAccountOutcome> {
  const changes: string[] = [];
  let current = inv;
  const find = () => findOrgInviteByEmail(client, req.email);
  if (!workspacesMatch(inv, req)) {
    // LangSmith cannot change a pending invitation's workspaces: it is cancelled and sent again (the person
    // gets a new email; the invitation id changes).
    const roleId = req.orgRole?.id ?? inv.roleId;
    if (!roleId) throw new Error(`invitation ${inv.id} names no org role and none was asked for: name one in org_role`);
    await verifiedWrite(logger, "cancel the invitation to re-issue it", () => client.cancelOrgInvite(inv.id), async () => (await find())?.id !== inv.id);
    const input = { email: req.email, roleId, workspaceIds: req.workspaces!.map((w) => w.id), workspaceRoleId: req.workspaceRole?.id };
    try {
      await verifiedWrite(logger, "re-issue the invitation", () => client.inviteOrgMember(input), async () => !!(await find()));
    } catch (err) {
      logger.error("re-issuing the invitation failed after the old one was cancelled; sending the original again", { email: req.email });
      await client
        .inviteOrgMember({ email: req.email, roleId: inv.roleId ?? roleId, workspaceIds: inv.workspaceIds, workspaceRoleId: inv.workspaceRoleId })
        .catch(() => logger.error("could not restore the original invitation: the person has no pending invitation now", { email: req.email }));
      throw err;
    }
    const reissued = await find();
    if (!reissued) throw new Error(`LangSmith accepted the new invitation of ${req.email} but does not list it as pending; run a sync to see its state`);
    current = reissued;
    changes.push(`re-issued with ${req.workspaces!.length} workspace(s) (invitation ${inv.id} → ${reissued.id})`);
    logger.info("invitation re-issued to change its workspaces", { old: inv.id, new: reissued.id });
  } else if (req.orgRole && inv.roleId !== req.orgRole.id) {
    const roleId = req.orgRole.id;
    await verifiedWrite(logger, "change the invitation's org role", () => client.setOrgInviteRole(inv.id, roleId), async () => (await find())?.roleId === roleId);
    current = (await find()) ?? inv;
    changes.push(`org role set to ${req.orgRole.displayName}`);
  }
  return {
    kind: "already-exists",
    message: `${req.email} already has a pending invitation (${current.id})${changes.length ? `: ${changes.join("; ")}` : "; it already brings what was asked"}`,
    resource: invitationOf(current),
    annotations: [],
    plaintexts: [],
  };
}

export const userAccountManager: AccountManager = {
  createAccount: (ctx: ActionContext, account: AccountInfo) => createAccount(ctx.client, ctx.logger, account),
  accountCreationSchema,
};

/** Removes the member from the org (already gone is success); never the last Organization Admin. */
export const userDeleter: ResourceDeleter = {
  async deleteResource(ctx, id): Promise<ActionOutcome> {
    const lsUserId = id.resource.trim().toLowerCase();
    if (!isLangSmithId(lsUserId)) throw new UserIdError(id.resource);
    const find = async () => {
      for await (const page of ctx.client.iterateOrgMembers({ lsUserIds: [lsUserId] })) {
        const m = page.find((x) => x.lsUserId === lsUserId);
        if (m) return m;
      }
      return undefined;
    };
    const member = await find();
    if (!member) return { message: `user ${lsUserId} is not a member of the LangSmith organization (already removed); nothing to do`, annotations: [] };
    const roles = await ctx.client.listRoles();
    const admin = roles.find((r) => r.accessScope === "organization" && !r.custom && r.name === ORG_ADMIN_ROLE_NAME);
    if (admin && member.orgRoleId === admin.id && (await countOrgAdmins(ctx.client, admin.id)) <= 1) {
      throw new ProvisioningRefusedError(`${member.email ?? lsUserId} is the organization's last Organization Admin; nothing was changed — make someone else Organization Admin first`);
    }
    await verifiedWrite(ctx.logger, "remove the member from the organization", () => ctx.client.removeOrgMember(member.identityId), async () => !(await find()));
    ctx.logger.info("removed from the organization; their workspace memberships went with it", { user: lsUserId });
    return { message: `removed ${member.email ?? lsUserId} from the LangSmith organization (their workspace memberships went with it)`, annotations: [] };
  },
};

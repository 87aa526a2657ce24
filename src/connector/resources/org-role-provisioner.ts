// Org-role provisioning (opt-in, --org-role-provisioning). LangSmith keeps exactly one org role per member
// (and per invitation), so a grant replaces the current role and a revoke falls back to the default
// (Organization User); revoking the default itself would leave no role and is refused. An org never loses
// its last Organization Admin through this connector.
import {
  type Entitlement,
  type Grant,
  GrantAlreadyExistsSchema,
  GrantAlreadyRevokedSchema,
  GrantReplacedSchema,
  type Resource,
  type ResourceId,
  annotation,
} from "../../baton/model.js";
import type { LangSmithClient, OrgMember, PendingInvite, Role } from "../../langsmith/index.js";
import { invitationPrincipal, orgRoleGrant } from "../builders.js";
import { DEFAULT_ORG_ROLE_NAME, isDefaultOrgRole } from "../exclusion-groups.js";
import { INVITATION, ORG_ADMIN_ROLE_NAME, ORG_ROLE, USER, parseInvitationResourceId } from "../ids.js";
import {
  type ActionContext,
  ProvisioningPreconditionError,
  type ProvisioningOutcome,
  ProvisioningRefusedError,
  type ResourceProvisioner,
  type RevokeContext,
} from "../resource-type-module.js";
import { verifiedWrite } from "../verified-write.js";
import { findOrgInvite } from "./invitation.js";


/** Whose org role changes: an active member (org identity) or a pending invitation. */
type Holder =
  | { kind: "member"; principal: ResourceId; name: string; member: OrgMember; roleId?: string }
  | { kind: "invitation"; principal: ResourceId; name: string; invite: PendingInvite; roleId?: string };

export const orgRoleProvisioner: ResourceProvisioner = {
  async grant(ctx, principal, entitlement) {
    const roles = await ctx.client.listRoles();
    const role = orgRoleOf(entitlement, roles);
    const holder = await findHolder(ctx.client, principal);
    return setRole(ctx, holder, role, roles, entitlement.displayName || role.displayName, "grant");
  },

  async revoke(ctx, grant: Grant, resolved: RevokeContext = {}) {
    const entitlement = resolved.entitlement ?? grant.entitlement;
    const principal = resolved.principal ?? grant.principal;
    if (!entitlement || !principal?.id) throw new ProvisioningRefusedError(`grant ${grant.id} has no entitlement or principal`);
    const roles = await ctx.client.listRoles();
    const role = orgRoleOf(entitlement, roles);
    if (isDefaultOrgRole(role)) {
      throw new ProvisioningRefusedError(
        `${role.displayName} is the default organization role: revoking it would leave ${principal.displayName || principal.id.resource} without an org role, which LangSmith does not allow; nothing was changed — grant another organization role instead (it replaces this one)`,
      );
    }
    const holder = await findHolder(ctx.client, principal);
    const name = entitlement.displayName || role.displayName;
    if (holder.roleId !== role.id) {
      return { kind: "already-revoked", message: `${holder.name} does not hold ${name}; nothing to do`, annotations: [annotation(GrantAlreadyRevokedSchema)], grants: [] };
    }
    const fallback = roles.find((r) => r.accessScope === "organization" && isDefaultOrgRole(r));
    if (!fallback) throw new ProvisioningPreconditionError(`LangSmith lists no ${DEFAULT_ORG_ROLE_NAME} role to fall back to; nothing was changed`);
    const outcome = await setRole(ctx, holder, fallback, roles, fallback.displayName, "revoke");
    return { ...outcome, kind: "revoked", message: `${holder.name} no longer holds ${name}; their org role is now ${fallback.displayName}`, annotations: [] };
  },
};

async function setRole(ctx: ActionContext, holder: Holder, role: Role, roles: Role[], name: string, action: "grant" | "revoke"): Promise<ProvisioningOutcome> {
  const granted = orgRoleGrant(role.id, holder.principal, false);
  if (holder.roleId === role.id) {
    return { kind: "already-exists", message: `${holder.name} already holds ${name}`, annotations: [annotation(GrantAlreadyExistsSchema)], grants: [granted] };
  }
  if (holder.kind === "member") {
    const admin = roles.find((r) => r.name === ORG_ADMIN_ROLE_NAME && !r.custom);
    if (admin && holder.roleId === admin.id && role.id !== admin.id && (await countOrgAdmins(ctx.client, admin.id)) <= 1) {
      throw new ProvisioningRefusedError(
        `${holder.name} is the organization's last Organization Admin; nothing was changed — make someone else Organization Admin first`,
      );
    }
    const lsUserId = holder.member.lsUserId;
    await verifiedWrite(ctx.logger, `${action}: change the member's org role`, () => ctx.client.setOrgMemberRole(holder.member.identityId, role.id), async () => (await findMember(ctx.client, lsUserId))?.orgRoleId === role.id);
  } else {
    const pendingId = holder.invite.id;
    await verifiedWrite(ctx.logger, `${action}: change the invitation's org role`, () => ctx.client.setOrgInviteRole(pendingId, role.id), async () => (await findOrgInvite(ctx.client, pendingId))?.roleId === role.id);
  }
  const previous = holder.roleId ? orgRoleGrant(holder.roleId, holder.principal, false) : undefined;
  return {
    kind: previous ? "replaced" : "granted",
    message: `${holder.name} now holds ${name}${previous ? ` (replacing ${previous.entitlement?.id})` : ""}`,
    annotations: previous ? [annotation(GrantReplacedSchema, { replacedGrantId: previous.id })] : [],
    grants: [granted],
  };
}

function orgRoleOf(entitlement: Entitlement, roles: Role[]): Role {
  const rid = entitlement.resource?.id;
  if (rid?.resourceType !== ORG_ROLE) throw new ProvisioningRefusedError(`entitlement ${entitlement.id} is not an organization role`);
  const role = roles.find((r) => r.id === rid.resource);
  if (!role || role.accessScope !== "organization") {
    throw new ProvisioningPreconditionError(`organization role ${rid.resource} no longer exists in LangSmith; run a sync to refresh the .c1z; nothing was changed`);
  }
  return role;
}

async function findHolder(client: LangSmithClient, principal: Resource): Promise<Holder> {
  const pid = principal.id;
  const name = principal.displayName || pid?.resource || "(unknown)";
  if (pid?.resourceType === USER) {
    const member = await findMember(client, pid.resource);
    if (!member) {
      throw new ProvisioningPreconditionError(`${name} (${pid.resource}) is not an active member of the LangSmith organization (removed meanwhile); nothing was changed — run a sync`);
    }
    return { kind: "member", principal: pid, name, member, roleId: member.orgRoleId };
  }
  if (pid?.resourceType === INVITATION) {
    const ref = parseInvitationResourceId(pid.resource);
    if (ref?.kind !== "org") {
      throw new ProvisioningRefusedError(`${name} is a workspace invitation of someone already in the organization: their org role belongs to their user, not to this invitation`);
    }
    const invite = await findOrgInvite(client, ref.pendingId);
    if (!invite) {
      throw new ProvisioningPreconditionError(`the invitation of ${name} is no longer pending (accepted, cancelled or expired); nothing was changed — run a sync and grant the role to the user`);
    }
    return { kind: "invitation", principal: invitationPrincipal(pid.resource), name, invite, roleId: invite.roleId };
  }
  throw new ProvisioningRefusedError(`only users and invitations hold organization roles; the principal is a ${pid?.resourceType || "resource of unknown type"}`);
}

async function findMember(client: LangSmithClient, lsUserId: string): Promise<OrgMember | undefined> {
  for await (const page of client.iterateOrgMembers({ lsUserIds: [lsUserId] })) {
    const found = page.find((m) => m.lsUserId === lsUserId);
    if (found) return found;
  }
  return undefined;
}

/** Active Organization Admins (disabled ones cannot sign in, so they do not count). */
export async function countOrgAdmins(client: LangSmithClient, adminRoleId: string): Promise<number> {
  let n = 0;
  for await (const page of client.iterateOrgMembers()) for (const m of page) if (m.orgRoleId === adminRoleId && !m.disabled) n++;
  return n;
}

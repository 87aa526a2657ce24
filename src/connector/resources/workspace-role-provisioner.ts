// Grant and revoke of workspace roles, the workspace_role module's provisioner.
import {
  type Entitlement,
  type Grant,
  GrantAlreadyExistsSchema,
  GrantAlreadyRevokedSchema,
  GrantReplacedSchema,
  type Resource,
  annotation,
} from "../../baton/model.js";
import {
  ConflictError,
  type LangSmithClient,
  LangSmithError,
  type Logger,
  NotFoundError,
  type WorkspaceMember,
} from "../../langsmith/index.js";
import { workspaceRoleGrant } from "../builders.js";
import { ASSIGNED, USER, WORKSPACE_ROLE, parseWorkspaceRoleResourceId } from "../ids.js";
import {
  type ActionContext,
  ProvisioningPreconditionError,
  type ProvisioningOutcome,
  ProvisioningRefusedError,
  type ResourceProvisioner,
  type RevokeContext,
} from "../resource-type-module.js";

interface Target {
  workspaceId: string;
  roleId: string;
  lsUserId: string;
  entitlementName: string;
  principalName: string;
}

/** Extra attempts of a write after a failure whose outcome a read showed had not happened. */
const MAX_PROVEN_RETRIES = 2;

/**
 * Grants and revokes workspace roles. Each call reads LangSmith's current state first (never the .c1z's
 * view of it), makes at most the one write that state calls for, and treats "already so" as success.
 */
export const workspaceRoleProvisioner: ResourceProvisioner = {
  grant: (ctx, principal, entitlement) => new WorkspaceRoleProvisioning(ctx).grant(entitlement, principal),
  revoke: (ctx, grant, resolved) => new WorkspaceRoleProvisioning(ctx).revoke(grant, resolved),
};

class WorkspaceRoleProvisioning {
  private readonly client: LangSmithClient;
  private readonly logger: Logger;
  private readonly signal: AbortSignal;

  constructor(ctx: ActionContext) {
    this.client = ctx.client;
    this.logger = ctx.logger;
    this.signal = ctx.signal;
  }

  /** `conflict`: set on the one re-decision after LangSmith answered 409 to adding the member. */
  async grant(entitlement: Entitlement, principal: Resource, conflict?: ConflictError): Promise<ProvisioningOutcome> {
    const t = targetOf(entitlement, principal);
    const [member, roles] = await Promise.all([this.orgMember(t.lsUserId), this.client.listRoles({ signal: this.signal })]);
    if (!member) {
      throw new ProvisioningPreconditionError(
        `${t.principalName} (${t.lsUserId}) is not an active member of the LangSmith organization (removed, or the invite was never accepted); nothing was changed — invite them to the organization in LangSmith first, then run a sync`,
      );
    }
    const role = roles.find((r) => r.id === t.roleId);
    if (!role || role.accessScope !== "workspace") {
      throw new ProvisioningPreconditionError(`workspace role ${t.roleId} no longer exists in LangSmith; run a sync to refresh the .c1z; nothing was changed`);
    }
    const current = await this.workspaceMembership(t);
    const granted = workspaceRoleGrant(t.workspaceId, t.roleId, t.lsUserId);
    if (current?.roleId === t.roleId) {
      return { kind: "already-exists", message: `${t.principalName} already holds ${t.entitlementName}`, annotations: [annotation(GrantAlreadyExistsSchema)], grants: [granted] };
    }
    if (current) {
      const previous = current.roleId ? workspaceRoleGrant(t.workspaceId, current.roleId, t.lsUserId) : undefined;
      await this.verifiedWrite(t, "change the member's workspace role", () => this.client.setWorkspaceMemberRole(t.workspaceId, current.identityId, t.roleId, { signal: this.signal }), (m) => m?.roleId === t.roleId);
      return {
        kind: previous ? "replaced" : "granted",
        message: `${t.principalName} now holds ${t.entitlementName}${previous ? ` (replacing ${previous.entitlement?.id})` : ""}`,
        annotations: previous ? [annotation(GrantReplacedSchema, { replacedGrantId: previous.id })] : [],
        grants: [granted],
      };
    }
    if (conflict) {
      // LangSmith says they are in the workspace but lists no such membership: adding again would loop.
      throw new ProvisioningPreconditionError(
        `LangSmith refused to add ${t.principalName} to workspace ${t.workspaceId} (${conflict.message}) but does not list them as a member there; nothing was changed — check their membership of that workspace in LangSmith, then try again`,
      );
    }
    try {
      await this.verifiedWrite(
        t,
        "add the member to the workspace",
        () => this.client.addWorkspaceMember(t.workspaceId, { orgIdentityId: member.identityId, roleId: t.roleId }, { signal: this.signal }),
        (m) => m?.roleId === t.roleId,
      );
    } catch (err) {
      // Someone added them meanwhile: decide again, once, from what LangSmith holds now.
      if (err instanceof ConflictError) return this.grant(entitlement, principal, err);
      throw err;
    }
    return { kind: "granted", message: `${t.principalName} added to the workspace with ${t.entitlementName}`, annotations: [], grants: [granted] };
  }

  /** `resolved` carries the fuller entitlement and principal from the .c1z, for clearer messages. */
  async revoke(grant: Grant, resolved: RevokeContext = {}): Promise<ProvisioningOutcome> {
    const entitlement = resolved.entitlement ?? grant.entitlement;
    const principalResource = resolved.principal ?? grant.principal;
    if (!entitlement || !principalResource) throw new ProvisioningRefusedError(`grant ${grant.id} has no entitlement or principal`);
    const t = targetOf(entitlement, principalResource);
    let current: WorkspaceMember | undefined;
    try {
      current = await this.workspaceMembership(t);
    } catch (err) {
      if (err instanceof NotFoundError) return alreadyRevoked(t, "the workspace no longer exists");
      throw err;
    }
    if (!current) return alreadyRevoked(t, "they are not a member of the workspace");
    if (current.roleId !== t.roleId) return alreadyRevoked(t, "they hold a different role there, which is left as it is");
    await this.verifiedWrite(t, "remove the member from the workspace", () => this.client.removeWorkspaceMember(t.workspaceId, current!.identityId, { signal: this.signal }), (m) => m === undefined);
    return { kind: "revoked", message: `${t.principalName} no longer holds ${t.entitlementName} (removed from the workspace)`, annotations: [], grants: [] };
  }

  /**
   * Makes a write; if it fails in a way that leaves its outcome unknown (5xx, timeout, dropped connection),
   * reads the membership again and repeats the write only if the read proves it did not happen.
   */
  private async verifiedWrite(t: Target, what: string, write: () => Promise<unknown>, applied: (m: WorkspaceMember | undefined) => boolean): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await write();
        return;
      } catch (err) {
        // A repeated write refused as a client error (404 on DELETE, 409 on POST) may mean the first one
        // landed after our read: if LangSmith now holds what was asked, that is success.
        if (attempt > 0 && err instanceof LangSmithError && !err.transient && applied(await this.workspaceMembership(t))) return;
        if (!(err instanceof LangSmithError) || !err.transient || attempt >= MAX_PROVEN_RETRIES) throw err;
        this.logger.warn(`could not confirm the write; reading LangSmith to see whether it happened`, { action: what, error: err.message });
        if (applied(await this.workspaceMembership(t))) return;
      }
    }
  }

  private async orgMember(lsUserId: string) {
    for await (const page of this.client.iterateOrgMembers({ lsUserIds: [lsUserId], signal: this.signal })) {
      const found = page.find((m) => m.lsUserId === lsUserId);
      if (found) return found;
    }
    return undefined;
  }

  private async workspaceMembership(t: Target): Promise<WorkspaceMember | undefined> {
    for await (const page of this.client.iterateWorkspaceMembers(t.workspaceId, { lsUserIds: [t.lsUserId], signal: this.signal })) {
      const found = page.find((m) => m.lsUserId === t.lsUserId);
      if (found) return found;
    }
    return undefined;
  }
}

function targetOf(entitlement: Entitlement, principal: Resource): Target {
  const rid = entitlement.resource?.id;
  const type = rid?.resourceType ?? "";
  const slug = entitlement.id.slice(entitlement.id.lastIndexOf(":") + 1);
  const parsed = type === WORKSPACE_ROLE && slug === ASSIGNED ? parseWorkspaceRoleResourceId(rid?.resource ?? "") : undefined;
  if (!parsed) throw new ProvisioningRefusedError(`entitlement ${entitlement.id} cannot be provisioned; only workspace_role …:${ASSIGNED} entitlements can`);
  const pid = principal.id;
  if (pid?.resourceType !== USER) {
    throw new ProvisioningRefusedError(`only users can hold workspace roles; the principal is a ${pid?.resourceType || "resource of unknown type"}`);
  }
  return {
    ...parsed,
    lsUserId: pid.resource,
    entitlementName: entitlement.displayName || entitlement.id,
    principalName: principal.displayName || pid.resource,
  };
}

function alreadyRevoked(t: Target, why: string): ProvisioningOutcome {
  return {
    kind: "already-revoked",
    message: `${t.principalName} does not hold ${t.entitlementName}: ${why}`,
    annotations: [annotation(GrantAlreadyRevokedSchema)],
    grants: [],
  };
}

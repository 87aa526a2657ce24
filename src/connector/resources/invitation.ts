// Pending invitations: who has been invited and the access they will get on acceptance, so a reviewer sees
// it before it is live. An accepted invitation disappears from LangSmith's pending lists and its person shows
// up as a user, so nothing is counted twice.
import type { Grant, Resource, ResourceId } from "../../baton/model.js";
import type { ActionContext, ActionOutcome, ResourceDeleter, ResourceTypeModule } from "../resource-type-module.js";
import type { PageResult, ResourceSyncer } from "../../baton/sync/types.js";
import { API_PATHS, type LangSmithClient, type Logger, type PendingInvite } from "../../langsmith/index.js";
import { invitationPrincipal, invitationResource, orgRoleGrant, workspaceMemberGrant, workspaceRoleGrant } from "../builders.js";
import { INVITATION, parseInvitationResourceId, workspaceInvitationResourceId } from "../ids.js";
import { invitationType } from "./invitation-type.js";
import type { Catalog, SyncContext } from "../sync-context.js";
import { verifiedWrite } from "../verified-write.js";

/** Everything pending in the org: org invitations, and each synced workspace's pending rows. */
export interface PendingSnapshot {
  orgInvites: PendingInvite[];
  /** workspace id → that workspace's pending rows (org invitations' rows included). */
  workspaceRows: Map<string, PendingInvite[]>;
}

/** Workspace pending lists read at once: enough to overlap latency, few enough to leave the limiter to the member listings. */
const PENDING_READS_AT_ONCE = 4;

export async function readPending(client: LangSmithClient, workspaceIds: string[], signal?: AbortSignal): Promise<PendingSnapshot> {
  const collect = async (it: AsyncGenerator<PendingInvite[]>) => {
    const all: PendingInvite[] = [];
    for await (const page of it) all.push(...page);
    return all;
  };
  const workspaceRows = new Map<string, PendingInvite[]>();
  let next = 0;
  const worker = async () => {
    while (next < workspaceIds.length) {
      const w = workspaceIds[next++]!;
      workspaceRows.set(w, await collect(client.iterateWorkspacePending(w, { signal })));
    }
  };
  const [orgInvites] = await Promise.all([
    collect(client.iterateOrgPending({ signal })),
    ...Array.from({ length: Math.min(PENDING_READS_AT_ONCE, workspaceIds.length) }, worker),
  ]);
  // In workspace order, so the output does not depend on which answer came first.
  return { orgInvites: orgInvites!, workspaceRows: new Map(workspaceIds.map((w) => [w, workspaceRows.get(w)!])) };
}

/**
 * Invitation resources and their grants. An org invitation holds its org role and, in each workspace it
 * joins, membership and the role that workspace's pending row names (else the invite's workspace role).
 * A workspace pending row whose email has no org invitation is a workspace invitation of someone already in
 * the org: its own resource, holding that workspace's membership and role.
 */
export function invitationsOf(snapshot: PendingSnapshot, catalog: Catalog, orgRoleImmutable: boolean): { resources: Resource[]; grants: Grant[] } {
  const resources: Resource[] = [];
  const grants: Grant[] = [];
  const orgByEmail = new Map(snapshot.orgInvites.map((i) => [i.email.toLowerCase(), i]));
  const wsRoleOf = new Map<string, string | undefined>(); // `${orgInviteId}:${workspaceId}` → role from the workspace row
  for (const [workspaceId, rows] of snapshot.workspaceRows) {
    for (const row of rows) {
      const org = orgByEmail.get(row.email.toLowerCase());
      if (org) {
        wsRoleOf.set(`${org.id}:${workspaceId}`, row.roleId);
        continue;
      }
      const id = workspaceInvitationResourceId(workspaceId, row.id);
      const principal = invitationPrincipal(id);
      resources.push(invitationResource({ id, pendingId: row.id, email: row.email, createdAt: row.createdAt, workspaceId }));
      grants.push(workspaceMemberGrant(workspaceId, principal));
      if (row.roleId && isRole(catalog, row.roleId, "workspace")) grants.push(workspaceRoleGrant(workspaceId, row.roleId, principal));
    }
  }
  for (const inv of snapshot.orgInvites) {
    const principal = invitationPrincipal(inv.id);
    resources.push(invitationResource({ id: inv.id, pendingId: inv.id, email: inv.email, createdAt: inv.createdAt }));
    if (inv.roleId) {
      if (!isRole(catalog, inv.roleId, "organization")) throw unknownInviteRole("organization", inv);
      grants.push(orgRoleGrant(inv.roleId, principal, orgRoleImmutable));
    }
    const workspaces = new Set(inv.workspaceIds.filter((w) => catalog.workspaceIds.has(w)));
    for (const w of snapshot.workspaceRows.keys()) if (wsRoleOf.has(`${inv.id}:${w}`)) workspaces.add(w);
    for (const w of [...workspaces].sort()) {
      grants.push(workspaceMemberGrant(w, principal));
      const roleId = wsRoleOf.get(`${inv.id}:${w}`) ?? inv.workspaceRoleId;
      if (!roleId) continue; // LangSmith names no role for it: membership is all a reviewer can be told
      if (!isRole(catalog, roleId, "workspace")) throw unknownInviteRole("workspace", inv, roleId);
      grants.push(workspaceRoleGrant(w, roleId, principal));
    }
  }
  return { resources, grants };
}

function isRole(catalog: Catalog, roleId: string, scope: "organization" | "workspace"): boolean {
  return catalog.rolesById.get(roleId)?.accessScope === scope;
}

function unknownInviteRole(scope: string, inv: PendingInvite, roleId = inv.roleId): Error {
  return new Error(
    `pending invitation ${inv.id} names ${scope} role ${roleId}, which GET ${API_PATHS.roles} did not list as a ${scope} role; refusing to write an incomplete sync (run it again; if it persists, report it)`,
  );
}

/**
 * Lists every invitation in one page: pending lists are short (people who have not yet accepted), and
 * telling workspace invitations of members from org invitations needs all of them together.
 */
export class InvitationSyncer implements ResourceSyncer {
  readonly resourceType = invitationType;

  constructor(private readonly ctx: SyncContext) {}

  async list(): Promise<PageResult<Resource>> {
    const catalog = await this.ctx.catalog();
    const snapshot = await readPending(this.ctx.client, catalog.workspaces.map((w) => w.id), this.ctx.signal);
    const { resources, grants } = invitationsOf(snapshot, catalog, !this.ctx.orgRoleProvisioning);
    return { items: resources, grants };
  }

  async entitlements(): Promise<PageResult<never>> {
    return { items: [] };
  }

  async grants(): Promise<PageResult<never>> {
    return { items: [] };
  }
}

/** Cancels an invitation (org or workspace). Already gone (accepted, cancelled, expired) is success. */
export const invitationDeleter: ResourceDeleter = {
  async deleteResource(ctx: ActionContext, id: ResourceId): Promise<ActionOutcome> {
    const outcome = await cancelInvitation(ctx.client, ctx.logger, id.resource);
    return { message: outcome.message, annotations: [] };
  },
};

export interface DeletionOutcome {
  kind: "deleted" | "already-gone";
  message: string;
}

export async function cancelInvitation(client: LangSmithClient, logger: Logger, resourceIdText: string): Promise<DeletionOutcome> {
  const ref = parseInvitationResourceId(resourceIdText);
  if (!ref) throw new InvitationIdError(resourceIdText);
  if (ref.kind === "org") {
    const find = () => findOrgInvite(client, ref.pendingId);
    const inv = await find();
    if (!inv) return { kind: "already-gone", message: `invitation ${ref.pendingId} is no longer pending (accepted, cancelled or expired); nothing to do` };
    await verifiedWrite(logger, "cancel the invitation", () => client.cancelOrgInvite(ref.pendingId), async () => !(await find()));
    logger.info("invitation cancelled", { invitation: ref.pendingId, workspaces: inv.workspaceIds.length });
    return { kind: "deleted", message: `cancelled the invitation of ${inv.email} (it would have joined ${inv.workspaceIds.length} workspace(s))` };
  }
  const find = () => findWorkspaceInvite(client, ref.workspaceId, ref.pendingId);
  const row = await find();
  if (!row) return { kind: "already-gone", message: `workspace invitation ${ref.pendingId} is no longer pending in workspace ${ref.workspaceId}; nothing to do` };
  await verifiedWrite(logger, "cancel the workspace invitation", () => client.cancelWorkspaceInvite(ref.workspaceId, ref.pendingId), async () => !(await find()));
  logger.info("workspace invitation cancelled", { workspace: ref.workspaceId, invitation: ref.pendingId });
  return { kind: "deleted", message: `cancelled the invitation of ${row.email} to workspace ${ref.workspaceId}` };
}

export const invitationModule: ResourceTypeModule = {
  resourceType: invitationType,
  syncer: (ctx) => new InvitationSyncer(ctx),
  resourceDeleter: invitationDeleter,
};

/** The id names no invitation (bad input: nothing was asked of LangSmith). */
export class InvitationIdError extends Error {
  override name = "InvitationIdError";
  constructor(id: string) {
    super(`"${id}" is not an invitation id: expected <pending id> (org invitation) or <workspace id>:<pending id> (workspace invitation), as the ${INVITATION} resources of a sync show`);
  }
}

export async function findOrgInvite(client: LangSmithClient, pendingId: string): Promise<PendingInvite | undefined> {
  for await (const page of client.iterateOrgPending()) {
    const found = page.find((p) => p.id === pendingId);
    if (found) return found;
  }
  return undefined;
}

export async function findOrgInviteByEmail(client: LangSmithClient, email: string): Promise<PendingInvite | undefined> {
  const wanted = email.toLowerCase();
  for await (const page of client.iterateOrgPending({ emails: [wanted] })) {
    const found = page.find((p) => p.email.toLowerCase() === wanted);
    if (found) return found;
  }
  return undefined;
}

async function findWorkspaceInvite(client: LangSmithClient, workspaceId: string, pendingId: string): Promise<PendingInvite | undefined> {
  try {
    for await (const page of client.iterateWorkspacePending(workspaceId)) {
      const found = page.find((p) => p.id === pendingId);
      if (found) return found;
    }
  } catch (err) {
    if ((err as { status?: number }).status === 404) return undefined; // the workspace itself is gone
    throw err;
  }
  return undefined;
}

import type { ResourceSyncer } from "../baton/sync/types.js";
import type { LangSmithClient, Logger } from "../langsmith/index.js";
import { OrgRoleSyncer, WorkspaceRoleSyncer } from "./roles.js";
import { type MembershipSourceOption, SyncContext } from "./sync-context.js";
import { InvitationSyncer } from "./invitations.js";
import { UserSyncer } from "./users.js";
import { WorkspaceSyncer } from "./workspaces.js";

export interface SyncPlan {
  syncers: ResourceSyncer[];
  context: SyncContext;
}

/** Fresh syncers (with fresh per-sync state) for one sync run. */
export function createSyncPlan(
  client: LangSmithClient,
  opts: { membershipSource?: MembershipSourceOption; logger: Logger; orgRoleProvisioning?: boolean },
): SyncPlan {
  const context = new SyncContext(client, opts.membershipSource ?? "auto", opts.logger, { orgRoleProvisioning: opts.orgRoleProvisioning });
  // Order matters only for the order rows are written in; the catalog is shared, so nothing is fetched twice.
  const syncers: ResourceSyncer[] = [new WorkspaceSyncer(context), new OrgRoleSyncer(context), new UserSyncer(context), new WorkspaceRoleSyncer(context), new InvitationSyncer(context)];
  return { syncers, context };
}

// The connector is its resource-type modules. Adding a type is one module file and one line here; the
// sync plan, the `capabilities` output and the one-shot actions all follow this list.
import type { ResourceSyncer } from "../baton/sync/types.js";
import type { LangSmithClient, Logger } from "../langsmith/index.js";
import type { ResourceTypeModule } from "./resource-type-module.js";
import { orgRoleModule } from "./resources/org-role.js";
import { userModule } from "./resources/user.js";
import { workspaceRoleModule } from "./resources/workspace-role.js";
import { workspaceModule } from "./resources/workspace.js";
import { type MembershipSourceOption, SyncContext } from "./sync-context.js";

/** A list of modules, one per resource type; the order is the order rows are written in. */
export type ResourceTypeRegistry = readonly ResourceTypeModule[];

export const RESOURCE_TYPE_REGISTRY: ResourceTypeRegistry = [
  workspaceModule,
  orgRoleModule,
  userModule,
  workspaceRoleModule,
];

/** The module of a resource type id, or undefined when the registry has none. */
export function moduleFor(resourceTypeId: string, registry: ResourceTypeRegistry = RESOURCE_TYPE_REGISTRY): ResourceTypeModule | undefined {
  return registry.find((m) => m.resourceType.id === resourceTypeId);
}

export interface SyncPlan {
  syncers: ResourceSyncer[];
  context: SyncContext;
}

export interface SyncPlanOptions {
  membershipSource?: MembershipSourceOption;
  logger: Logger;
  /** Cancels every request the syncers make. */
  signal?: AbortSignal;
  registry?: ResourceTypeRegistry;
}

/** Fresh syncers (with fresh per-sync state) for one sync run; the catalog is shared, so nothing is fetched twice. */
export function createSyncPlan(client: LangSmithClient, opts: SyncPlanOptions): SyncPlan {
  const context = new SyncContext(client, opts.membershipSource ?? "auto", opts.logger, opts.signal);
  const syncers = (opts.registry ?? RESOURCE_TYPE_REGISTRY).map((m) => m.syncer(context));
  return { syncers, context };
}

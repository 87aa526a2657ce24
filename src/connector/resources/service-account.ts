// Service accounts: non-human LangSmith identities that own service keys. Synced as users with account
// type SERVICE, under their own type so they are never counted among the org's members; their keys point
// at them (SecretTrait identity_id and created_by_id).
import {
  type Resource,
  ResourceType_Trait,
  SkipEntitlementsAndGrantsSchema,
  Status_ResourceStatus,
  UserTrait_AccountType,
  annotation,
  newResource,
  newResourceType,
  resourceId,
  userTrait,
} from "../../baton/model.js";
import type { PageResult, ResourceSyncer } from "../../baton/sync/types.js";
import { SERVICE_ACCOUNT } from "../ids.js";
import type { ResourceTypeModule } from "../resource-type-module.js";
import { toWholeSecondDate } from "../secrets/findings.js";
import { secretInventory } from "../secrets/inventory.js";
import type { SyncContext } from "../sync-context.js";

export const serviceAccountType = newResourceType(SERVICE_ACCOUNT, "Service Account", [ResourceType_Trait.USER], {
  description: "A LangSmith service account (a non-human identity that owns service keys).",
  annotations: [annotation(SkipEntitlementsAndGrantsSchema)],
});

export class ServiceAccountSyncer implements ResourceSyncer {
  readonly resourceType = serviceAccountType;

  constructor(private readonly ctx: SyncContext) {}

  async list(): Promise<PageResult<Resource>> {
    const inventory = secretInventory(this.ctx);
    const accounts = await inventory.serviceAccounts();
    inventory.serviceAccountCount = accounts ? accounts.length : null;
    return {
      items: (accounts ?? []).map((a) => {
        const profile = { service_account_id: a.id, name: a.name, ...(a.defaultWorkspaceId && { default_workspace_id: a.defaultWorkspaceId }) };
        const createdAt = toWholeSecondDate(a.createdAt);
        return newResource(resourceId(SERVICE_ACCOUNT, a.id), a.name, {
          profile,
          status: Status_ResourceStatus.ENABLED,
          createdAt,
          annotations: [userTrait({ login: a.name, accountType: UserTrait_AccountType.SERVICE, profile, createdAt })],
        });
      }),
    };
  }

  async entitlements(): Promise<PageResult<never>> {
    return { items: [] };
  }

  async grants(): Promise<PageResult<never>> {
    return { items: [] };
  }
}

export const serviceAccountModule: ResourceTypeModule = {
  resourceType: serviceAccountType,
  syncer: (ctx) => new ServiceAccountSyncer(ctx),
};

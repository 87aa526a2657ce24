import { type Entitlement, type Resource, ResourceType_Trait, newResourceType } from "../../baton/model.js";
import type { PageResult, ResourceSyncer } from "../../baton/sync/types.js";
import { orgRoleEntitlement, orgRoleResource } from "../builders.js";
import { ORG_ROLE } from "../ids.js";
import type { ResourceTypeModule } from "../resource-type-module.js";
import type { SyncContext } from "../sync-context.js";

export const orgRoleType = newResourceType(ORG_ROLE, "Organization Role", [ResourceType_Trait.ROLE], {
  description: "An organization-scoped LangSmith role; every member holds exactly one.",
});

/** Organization roles. Their grants come with the member listing (see UserSyncer). */
export class OrgRoleSyncer implements ResourceSyncer {
  readonly resourceType = orgRoleType;

  constructor(private readonly ctx: SyncContext) {}

  async list(): Promise<PageResult<Resource>> {
    const catalog = await this.ctx.catalog();
    return { items: catalog.orgRoles.map(orgRoleResource) };
  }

  async entitlements(resource: Resource): Promise<PageResult<Entitlement>> {
    return { items: [orgRoleEntitlement(resource)] };
  }

  async grants(): Promise<PageResult<never>> {
    return { items: [] };
  }
}

export const orgRoleModule: ResourceTypeModule = {
  resourceType: orgRoleType,
  syncer: (ctx) => new OrgRoleSyncer(ctx),
  provisioningRefusal: (action) =>
    `organization roles are read-only in this connector: LangSmith keeps exactly one org role per member and replaces it on every change, so a ${action} cannot be undone cleanly; change it in LangSmith's organization settings`,
};

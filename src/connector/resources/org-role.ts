import { type Entitlement, type Resource, ResourceType_Trait, newResourceType } from "../../baton/model.js";
import type { PageResult, ResourceSyncer } from "../../baton/sync/types.js";
import { orgRoleEntitlement, orgRoleResource } from "../builders.js";
import { orgRoleExclusion } from "../exclusion-groups.js";
import { ORG_ROLE } from "../ids.js";
import { orgRoleProvisioner } from "./org-role-provisioner.js";
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
    const catalog = await this.ctx.catalog();
    const role = catalog.rolesById.get(resource.id!.resource);
    if (!role) throw new Error(`org role ${resource.id!.resource} vanished from the catalog`);
    return { items: [orgRoleEntitlement(resource, orgRoleExclusion(role, catalog.orgRoles), this.ctx.orgRoleProvisioning)] };
  }

  async grants(): Promise<PageResult<never>> {
    return { items: [] };
  }
}

export const orgRoleModule: ResourceTypeModule = {
  resourceType: orgRoleType,
  syncer: (ctx) => new OrgRoleSyncer(ctx),
  provisioningRefusal: (action) =>
    `organization roles are read-only unless --org-role-provisioning is set: LangSmith keeps exactly one org role per member, so a ${action} replaces (or falls back to) another role; add --org-role-provisioning to allow it, or change it in LangSmith's organization settings`,
};

/** With --org-role-provisioning: the same type, whose grants change the holder's single org role. */
export const orgRoleProvisioningModule: ResourceTypeModule = {
  resourceType: orgRoleType,
  syncer: (ctx) => new OrgRoleSyncer(ctx),
  provisioner: orgRoleProvisioner,
};

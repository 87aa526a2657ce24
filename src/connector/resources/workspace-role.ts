import { type Entitlement, type Grant, type Resource, type ResourceId, ResourceType_Trait, newResourceType } from "../../baton/model.js";
import type { PageResult, ResourceSyncer } from "../../baton/sync/types.js";
import { orgAdminImplicitGrant, workspaceRoleEntitlement, workspaceRoleResource } from "../builders.js";
import { workspaceRoleExclusion } from "../exclusion-groups.js";
import { ORG_ADMIN_ROLE_NAME, WORKSPACE_ADMIN_ROLE_NAME, WORKSPACE_ROLE, parseWorkspaceRoleResourceId } from "../ids.js";
import type { ResourceTypeModule } from "../resource-type-module.js";
import type { SyncContext } from "../sync-context.js";
import { workspaceRoleProvisioner } from "./workspace-role-provisioner.js";

export const workspaceRoleType = newResourceType(WORKSPACE_ROLE, "Workspace Role", [ResourceType_Trait.ROLE], {
  description: "A workspace-scoped LangSmith role within one workspace; a member holds at most one per workspace.",
});

/** Workspace roles, one resource per role per workspace (children of the workspace). */
export class WorkspaceRoleSyncer implements ResourceSyncer {
  readonly resourceType = workspaceRoleType;

  constructor(private readonly ctx: SyncContext) {}

  async list(parent: ResourceId | undefined): Promise<PageResult<Resource>> {
    if (!parent) return { items: [] };
    const catalog = await this.ctx.catalog();
    const workspace = catalog.workspacesById.get(parent.resource);
    if (!workspace) return { items: [] };
    return { items: catalog.workspaceRoles.map((r) => workspaceRoleResource(workspace, r)) };
  }

  async entitlements(resource: Resource): Promise<PageResult<Entitlement>> {
    const catalog = await this.ctx.catalog();
    const ids = parseWorkspaceRoleResourceId(resource.id!.resource);
    const role = ids && catalog.rolesById.get(ids.roleId);
    if (!ids || !role) throw new Error(`workspace role ${resource.id!.resource} vanished from the catalog`);
    return { items: [workspaceRoleEntitlement(resource, workspaceRoleExclusion(ids.workspaceId, role, catalog.workspaceRoles))] };
  }

  /**
   * Members' grants are emitted with the workspace's (or the org-wide) member listing. Here only the
   * Organization Admin's implicit Admin in this workspace (see orgAdminImplicitGrant), without a request.
   */
  async grants(resource: Resource): Promise<PageResult<Grant>> {
    const roleId = parseWorkspaceRoleResourceId(resource.id?.resource ?? "")?.roleId ?? "";
    const catalog = await this.ctx.catalog();
    if (catalog.rolesById.get(roleId)?.name !== WORKSPACE_ADMIN_ROLE_NAME) return { items: [] };
    const orgAdmin = catalog.orgRoles.find((r) => r.name === ORG_ADMIN_ROLE_NAME);
    return { items: orgAdmin ? [orgAdminImplicitGrant(resource, orgAdmin.id)] : [] };
  }
}

export const workspaceRoleModule: ResourceTypeModule = {
  resourceType: workspaceRoleType,
  syncer: (ctx) => new WorkspaceRoleSyncer(ctx),
  provisioner: workspaceRoleProvisioner,
};

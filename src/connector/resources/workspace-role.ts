import { type Entitlement, type Resource, type ResourceId, ResourceType_Trait, newResourceType } from "../../baton/model.js";
import type { PageResult, ResourceSyncer } from "../../baton/sync/types.js";
import { workspaceRoleEntitlement, workspaceRoleResource } from "../builders.js";
import { WORKSPACE_ROLE } from "../ids.js";
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
    return { items: [workspaceRoleEntitlement(resource)] };
  }

  /** Emitted with the workspace's (or the org-wide) member listing. */
  async grants(): Promise<PageResult<never>> {
    return { items: [] };
  }
}

export const workspaceRoleModule: ResourceTypeModule = {
  resourceType: workspaceRoleType,
  syncer: (ctx) => new WorkspaceRoleSyncer(ctx),
  provisioner: workspaceRoleProvisioner,
};

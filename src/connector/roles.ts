import type { Entitlement, Resource, ResourceId } from "../baton/model.js";
import type { PageResult, ResourceSyncer } from "../baton/sync/types.js";
import { orgRoleEntitlement, orgRoleResource, workspaceRoleEntitlement, workspaceRoleResource } from "./builders.js";
import { orgRoleExclusion, workspaceRoleExclusion } from "./exclusion-groups.js";
import { parseWorkspaceRoleResourceId } from "./ids.js";
import { orgRoleType, workspaceRoleType } from "./resource-types.js";
import type { SyncContext } from "./sync-context.js";

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

  /** Emitted with the workspace's (or the org-wide) member listing. */
  async grants(): Promise<PageResult<never>> {
    return { items: [] };
  }
}

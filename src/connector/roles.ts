import type { Entitlement, Grant, Resource, ResourceId } from "../baton/model.js";
import type { PageResult, ResourceSyncer } from "../baton/sync/types.js";
import { orgAdminImplicitGrant, orgRoleEntitlement, orgRoleResource, workspaceRoleEntitlement, workspaceRoleResource } from "./builders.js";
import { ORG_ADMIN_ROLE_NAME, WORKSPACE_ADMIN_ROLE_NAME, parseWorkspaceRoleResourceId } from "./ids.js";
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
    return { items: [orgRoleEntitlement(resource)] };
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
    return { items: [workspaceRoleEntitlement(resource)] };
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

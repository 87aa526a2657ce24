import { type Entitlement, type Grant, type Resource, ResourceType_Trait, newResourceType } from "../../baton/model.js";
import type { PageResult, ResourceSyncer } from "../../baton/sync/types.js";
import { API_PATHS, MEMBER_PAGE_LIMIT, type WorkspaceMember } from "../../langsmith/index.js";
import { workspaceMemberEntitlement, workspaceResource } from "../builders.js";
import { ASSIGNED, MEMBER, WORKSPACE, WORKSPACE_ROLE } from "../ids.js";
import { nextOffsetTokens, parseOffsetToken } from "../offset-pages.js";
import type { ResourceTypeModule } from "../resource-type-module.js";
import type { SyncContext } from "../sync-context.js";
import { membershipGrants } from "./user.js";

export const workspaceType = newResourceType(WORKSPACE, "Workspace", [ResourceType_Trait.GROUP], {
  description: "A LangSmith workspace (personal and deleted workspaces are left out).",
});


export class WorkspaceSyncer implements ResourceSyncer {
  readonly resourceType = workspaceType;
  readonly childResourceTypes = [WORKSPACE_ROLE];

  constructor(private readonly ctx: SyncContext) {}

  async list(): Promise<PageResult<Resource>> {
    const catalog = await this.ctx.catalog();
    return { items: catalog.workspaces.map(workspaceResource) };
  }

  async entitlements(resource: Resource): Promise<PageResult<Entitlement>> {
    return { items: [workspaceMemberEntitlement(resource)] };
  }

  /**
   * Member and workspace-role grants, from this workspace's member listing. When the org-wide listing
   * is in use those grants were already emitted with the users, so this makes no request.
   */
  async grants(resource: Resource, pageToken: string): Promise<PageResult<Grant>> {
    const source = await this.ctx.membershipSource();
    if (source.kind === "platform") return { items: [] };
    const workspaceId = resource.id!.resource;
    const token = parseOffsetToken(pageToken);
    const page = await this.ctx.client.listWorkspaceMembersPage(workspaceId, { limit: MEMBER_PAGE_LIMIT, offset: token.offset, signal: this.ctx.signal });
    const fresh = this.ctx
      .guard<WorkspaceMember>(`workspace-members:${workspaceId}`, { path: API_PATHS.workspaceMembersActive, tenantId: workspaceId })
      .accept(page.items, token.offset);
    const catalog = await this.ctx.catalog();
    const items = fresh.flatMap((m) => membershipGrants(catalog, workspaceId, m.lsUserId, m.roleId));
    return { items, ...nextOffsetTokens(token, page.items.length, page.total) };
  }
}

export const workspaceModule: ResourceTypeModule = {
  resourceType: workspaceType,
  syncer: (ctx) => new WorkspaceSyncer(ctx),
  provisioningRefusal(action, entitlement) {
    const slug = entitlement.id.slice(entitlement.id.lastIndexOf(":") + 1);
    if (slug !== MEMBER) return `entitlement ${entitlement.id} cannot be provisioned; only workspace_role …:${ASSIGNED} entitlements can`;
    return `workspace membership is read-only: it comes with a workspace role — ${action} a workspace_role entitlement (workspace_role:${entitlement.resource?.id?.resource}:<role id>:${ASSIGNED}) instead`;
  },
};

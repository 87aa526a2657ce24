import { type Grant, type Resource, ResourceType_Trait, SkipEntitlementsAndGrantsSchema, annotation, newResourceType } from "../../baton/model.js";
import type { PageResult, ResourceSyncer } from "../../baton/sync/types.js";
import { API_PATHS, MEMBER_PAGE_LIMIT, type OrgMember, type PlatformMember } from "../../langsmith/index.js";
import { orgRoleGrant, userResource, workspaceMemberGrant, workspaceRoleGrant } from "../builders.js";
import { USER } from "../ids.js";
import { nextOffsetTokens, parseOffsetToken } from "../offset-pages.js";
import type { ResourceTypeModule } from "../resource-type-module.js";
import { type Catalog, type SyncContext, unknownRoleError } from "../sync-context.js";

export const userType = newResourceType(USER, "User", [ResourceType_Trait.USER], {
  description: "An active member of the LangSmith organization (disabled members included, marked disabled).",
  annotations: [annotation(SkipEntitlementsAndGrantsSchema)],
});


/**
 * Users are the organization's active members. The page that lists them also carries each member's org
 * role (and, in the org-wide listing, every workspace role), so those grants are emitted from here.
 */
export class UserSyncer implements ResourceSyncer {
  readonly resourceType = userType;

  constructor(private readonly ctx: SyncContext) {}

  async list(_parent: unknown, pageToken: string): Promise<PageResult<Resource>> {
    const token = parseOffsetToken(pageToken);
    const source = await this.ctx.membershipSource();
    if (source.kind === "platform") {
      const page =
        (token.offset === 0 ? this.ctx.takeFirstPlatformPage(source) : undefined) ??
        (await this.ctx.client.listPlatformMembersPage({ limit: MEMBER_PAGE_LIMIT, offset: token.offset, activeOnly: true, signal: this.ctx.signal }));
      const fresh = this.ctx.guard<PlatformMember>("platform-members", { path: API_PATHS.platformMembers }).accept(page.items, token.offset);
      const catalog = await this.ctx.catalog();
      const members = fresh.filter((m) => !m.pending && m.lsUserId);
      const grants = members.flatMap((m) => [...orgRoleGrants(catalog, m.lsUserId!, m.orgRoleId), ...platformWorkspaceGrants(catalog, m)]);
      return { items: members.map(platformUser), grants, ...nextOffsetTokens(token, page.items.length, page.total) };
    }
    const page = await this.ctx.client.listOrgMembersPage({ limit: MEMBER_PAGE_LIMIT, offset: token.offset, signal: this.ctx.signal });
    const fresh = this.ctx.guard<OrgMember>("org-members", { path: API_PATHS.orgMembersActive }).accept(page.items, token.offset);
    const catalog = await this.ctx.catalog();
    const grants = fresh.flatMap((m) => orgRoleGrants(catalog, m.lsUserId, m.orgRoleId));
    return { items: fresh.map(orgUser), grants, ...nextOffsetTokens(token, page.items.length, page.total) };
  }

  async entitlements(): Promise<PageResult<never>> {
    return { items: [] };
  }

  async grants(): Promise<PageResult<never>> {
    return { items: [] };
  }
}

function orgUser(m: OrgMember): Resource {
  return userResource({ lsUserId: m.lsUserId, orgIdentityId: m.identityId, email: m.email, fullName: m.fullName, disabled: m.disabled, createdAt: m.createdAt });
}

function platformUser(m: PlatformMember): Resource {
  return userResource({ lsUserId: m.lsUserId!, orgIdentityId: m.identityId, email: m.email, fullName: m.fullName, disabled: m.disabled, createdAt: m.createdAt });
}

function orgRoleGrants(catalog: Catalog, lsUserId: string, roleId: string | undefined): Grant[] {
  if (!roleId) return [];
  const role = catalog.rolesById.get(roleId);
  if (!role || role.accessScope !== "organization") throw unknownRoleError("organization", roleId, lsUserId);
  return [orgRoleGrant(roleId, lsUserId)];
}

function platformWorkspaceGrants(catalog: Catalog, m: PlatformMember): Grant[] {
  const grants: Grant[] = [];
  for (const ms of m.workspaceMemberships) {
    if (!catalog.workspaceIds.has(ms.workspaceId)) continue; // personal or deleted workspace
    grants.push(...membershipGrants(catalog, ms.workspaceId, m.lsUserId!, ms.roleId));
  }
  return grants;
}

/** A workspace membership means the `member` grant plus, when a role is set, that role's grant. */
export function membershipGrants(catalog: Catalog, workspaceId: string, lsUserId: string, roleId: string | undefined): Grant[] {
  const grants = [workspaceMemberGrant(workspaceId, lsUserId)];
  if (roleId) {
    const role = catalog.rolesById.get(roleId);
    if (!role || role.accessScope !== "workspace") throw unknownRoleError("workspace", roleId, lsUserId, workspaceId);
    grants.push(workspaceRoleGrant(workspaceId, roleId, lsUserId));
  }
  return grants;
}

export const userModule: ResourceTypeModule = {
  resourceType: userType,
  syncer: (ctx) => new UserSyncer(ctx),
};

// Service keys (`lsv2_sk_…`): org-level API keys, org-wide or scoped to workspaces, as SECRET-trait
// resources whose grants say what each key can do. Deletion and rotation live in service-key-actions.ts.
import {
  type Grant,
  type Resource,
  ResourceType_Trait,
  SkipEntitlementsAndGrantsSchema,
  annotation,
  newResourceType,
  resourceId,
} from "../../baton/model.js";
import type { PageResult, ResourceSyncer } from "../../baton/sync/types.js";
import type { ApiKeyInfo, Role } from "../../langsmith/index.js";
import { ORG_ADMIN_ROLE_NAME, SERVICE_ACCOUNT, SERVICE_KEY, USER } from "../ids.js";
import type { ResourceTypeModule } from "../resource-type-module.js";
import { keyOrgRoleGrant, keyWorkspaceRoleGrant, secretResource, sortFindings } from "../secrets/builders.js";
import { keyFindings } from "../secrets/findings.js";
import { type Creator, secretInventory } from "../secrets/inventory.js";
import type { Catalog, SyncContext } from "../sync-context.js";
import { serviceKeyDeleter, serviceKeyRotator } from "./service-key-actions.js";

export const serviceKeyType = newResourceType(SERVICE_KEY, "Service Key", [ResourceType_Trait.SECRET], {
  description: "A LangSmith service key (lsv2_sk_…), org-wide or scoped to workspaces; its grants are the roles it holds.",
  annotations: [annotation(SkipEntitlementsAndGrantsSchema)],
});

/** The built-in org role whose holders administer the organization. */

/** Whether LangSmith reports the key as org-wide (older rows without access_scope: by the org role they carry). */
export function isOrgWide(k: ApiKeyInfo): boolean {
  return k.accessScope ? k.accessScope === "organization" : !!k.orgRoleId;
}

/** Synced workspaces by display name (several when names repeat). */
export function workspacesByName(catalog: Pick<Catalog, "workspaces">): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const w of catalog.workspaces) {
    const ids = byName.get(w.displayName);
    if (ids) ids.push(w.id);
    else byName.set(w.displayName, [w.id]);
  }
  return byName;
}

export function creatorResourceId(creator: Creator | undefined) {
  if (!creator) return undefined;
  return creator.kind === "service_account" ? resourceId(SERVICE_ACCOUNT, creator.id) : resourceId(USER, creator.lsUserId);
}

/** One listing, one page: service keys are few. Their grants come with the page. */
export class ServiceKeySyncer implements ResourceSyncer {
  readonly resourceType = serviceKeyType;

  constructor(private readonly ctx: SyncContext) {}

  async list(): Promise<PageResult<Resource>> {
    const inventory = secretInventory(this.ctx);
    const [keys, catalog] = await Promise.all([this.ctx.client.listServiceKeys({ signal: this.ctx.signal }), this.ctx.catalog()]);
    const byName = workspacesByName(catalog);
    const items: Resource[] = [];
    const grants: Grant[] = [];
    let unmatched = 0;
    let ambiguous = 0;
    await inventory.prepareCreators(keys.map((k) => k.createdBy));
    for (const k of keys) {
      const principal = resourceId(SERVICE_KEY, k.id);
      const creator = await inventory.resolveCreator(k.createdBy);
      const orgWide = isOrgWide(k);
      const orgRole = orgWide && k.orgRoleId ? roleOf(catalog, k, k.orgRoleId, "organization") : undefined;
      const workspaceIds: string[] = [];
      if (orgRole) grants.push(keyOrgRoleGrant(principal, orgRole.id));
      if (!orgWide) {
        const role = k.roleId ? roleOf(catalog, k, k.roleId, "workspace") : undefined;
        for (const name of k.workspaceNames) {
          const ids = byName.get(name) ?? [];
          if (ids.length === 0) unmatched++;
          else if (ids.length > 1) ambiguous++;
          else {
            workspaceIds.push(ids[0]!);
            if (role) grants.push(keyWorkspaceRoleGrant(principal, ids[0]!, role.id));
          }
        }
      }
      const findings = sortFindings(
        keyFindings(
          {
            expiresAt: k.expiresAt,
            lastUsedAt: k.lastUsedAt,
            orgWideAdmin: orgRole?.name === ORG_ADMIN_ROLE_NAME,
            orphaned: !!k.createdBy && !(creator && (creator.kind === "service_account" || creator.active)),
          },
          inventory.options,
        ),
      );
      inventory.count(findings);
      const account = creator?.kind === "service_account" ? resourceId(SERVICE_ACCOUNT, creator.id) : undefined;
      items.push(
        secretResource({
          type: SERVICE_KEY,
          key: k,
          findings,
          createdBy: creatorResourceId(creator),
          identity: account,
          profile: {
            access_scope: orgWide ? "organization" : "workspace",
            workspaces: orgWide ? undefined : [...k.workspaceNames],
            workspace_ids: orgWide ? undefined : workspaceIds,
            role_id: k.roleId,
            org_role_id: k.orgRoleId,
            // Kept raw when it names no one we can link (a person who left, a bare username).
            created_by: creator ? undefined : k.createdBy,
            service_account_id: account?.resource,
          },
        }),
      );
    }
    inventory.serviceKeys = keys.length;
    inventory.workspaceNamesUnmatched += unmatched;
    inventory.workspaceNamesAmbiguous += ambiguous;
    if (unmatched || ambiguous) {
      this.ctx.logger.warn(
        `service keys name ${unmatched} workspace(s) that match no synced workspace and ${ambiguous} that match several by name; those keys got no grant there (LangSmith lists key workspaces by name only)`,
      );
    }
    return { items, grants };
  }

  async entitlements(): Promise<PageResult<never>> {
    return { items: [] };
  }

  async grants(): Promise<PageResult<never>> {
    return { items: [] };
  }
}

function roleOf(catalog: Catalog, k: ApiKeyInfo, roleId: string, scope: "organization" | "workspace"): Role {
  const role = catalog.rolesById.get(roleId);
  if (!role || role.accessScope !== scope) {
    throw new Error(
      `service key ${k.id} holds ${scope} role ${roleId}, which GET /api/v1/orgs/current/roles did not list as a ${scope} role; refusing to write an incomplete sync (run it again; if it persists, report it)`,
    );
  }
  return role;
}

export const serviceKeyModule: ResourceTypeModule = {
  resourceType: serviceKeyType,
  syncer: (ctx) => new ServiceKeySyncer(ctx),
  resourceDeleter: serviceKeyDeleter,
  credentialRotator: serviceKeyRotator,
};

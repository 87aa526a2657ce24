// Personal access tokens (`lsv2_pt_…`) of every member, when LangSmith lets this key see them: the
// org-wide listing needs organization:pats:read and is in no published spec. When it answers 403/404 the
// sync goes on without PATs and says so once.
import { type Resource, ResourceType_Trait, SkipEntitlementsAndGrantsSchema, annotation, newResourceType } from "../../baton/model.js";
import type { PageResult, ResourceSyncer } from "../../baton/sync/types.js";
import type { PersonalAccessTokenInfo } from "../../langsmith/index.js";
import { PERSONAL_ACCESS_TOKEN } from "../ids.js";
import type { ResourceTypeModule } from "../resource-type-module.js";
import { secretResource, sortFindings } from "../secrets/builders.js";
import { keyFindings } from "../secrets/findings.js";
import { secretInventory } from "../secrets/inventory.js";
import type { SyncContext } from "../sync-context.js";
import { creatorResourceId } from "./service-key.js";

export const personalAccessTokenType = newResourceType(PERSONAL_ACCESS_TOKEN, "Personal Access Token", [ResourceType_Trait.SECRET], {
  description: "A member's LangSmith personal access token (lsv2_pt_…); it acts with its owner's access.",
  annotations: [annotation(SkipEntitlementsAndGrantsSchema)],
});

export class PersonalAccessTokenSyncer implements ResourceSyncer {
  readonly resourceType = personalAccessTokenType;

  constructor(private readonly ctx: SyncContext) {}

  async list(): Promise<PageResult<Resource>> {
    const inventory = secretInventory(this.ctx);
    let tokens: PersonalAccessTokenInfo[];
    try {
      tokens = await this.ctx.client.listOrgPersonalAccessTokens({ signal: this.ctx.signal });
    } catch (err) {
      if (inventory.patsUnavailable(err)) return { items: [] };
      throw err;
    }
    const items: Resource[] = [];
    const ownerRef = (t: PersonalAccessTokenInfo) => t.owner.lsUserId ?? t.owner.identityId ?? t.owner.email ?? t.createdBy;
    await inventory.prepareCreators(tokens.map(ownerRef));
    for (const t of tokens) {
      const owner = await inventory.resolveCreator(ownerRef(t));
      const ownerId = owner?.kind === "user" ? creatorResourceId(owner) : undefined;
      const findings = sortFindings(
        keyFindings({ expiresAt: t.expiresAt, lastUsedAt: t.lastUsedAt, orgWideAdmin: false, orphaned: !(owner?.kind === "user" && owner.active) }, inventory.options),
      );
      inventory.count(findings);
      items.push(
        secretResource({
          type: PERSONAL_ACCESS_TOKEN,
          key: t,
          findings,
          createdBy: ownerId,
          identity: ownerId,
          profile: { owner: ownerId ? undefined : t.owner.email ?? t.owner.lsUserId ?? t.createdBy },
        }),
      );
    }
    inventory.personalAccessTokens = tokens.length;
    return { items };
  }

  async entitlements(): Promise<PageResult<never>> {
    return { items: [] };
  }

  async grants(): Promise<PageResult<never>> {
    return { items: [] };
  }
}

export const personalAccessTokenModule: ResourceTypeModule = {
  resourceType: personalAccessTokenType,
  syncer: (ctx) => new PersonalAccessTokenSyncer(ctx),
};

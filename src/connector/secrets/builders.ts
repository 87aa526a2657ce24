// Baton objects for API keys: SECRET-trait resources and the grants whose principal is a key.
import { create } from "@bufbuild/protobuf";
import {
  type Grant,
  GrantImmutableSchema,
  type JsonValue,
  type Resource,
  type ResourceId,
  ResourceSchema,
  annotation,
  entitlementId,
  newGrant,
  newResource,
  resourceId,
  secretTrait,
} from "../../baton/model.js";
import type { ApiKeyInfo } from "../../langsmith/index.js";
import { ASSIGNED, ORG_ROLE, WORKSPACE_ROLE, workspaceRoleResourceId } from "../ids.js";
import { FINDINGS, type Finding, toWholeSecondDate } from "./findings.js";

export interface SecretResourceInput {
  type: string;
  key: ApiKeyInfo;
  findings: Finding[];
  createdBy?: ResourceId;
  identity?: ResourceId;
  /** Extra profile fields (scope, workspaces, unresolved creator…). */
  profile: Record<string, JsonValue | undefined>;
}

export function secretResource(input: SecretResourceInput): Resource {
  const k = input.key;
  const profile: Record<string, JsonValue> = { short_key: k.shortKey, findings: [...input.findings] };
  if (k.description) profile.description = k.description;
  for (const [name, v] of Object.entries(input.profile)) if (v !== undefined && v !== null && v !== "") profile[name] = v;
  const createdAt = toWholeSecondDate(k.createdAt);
  return newResource(resourceId(input.type, k.id), k.description ? `${k.description} (${k.shortKey})` : k.shortKey, {
    description: input.findings.length ? `Findings: ${input.findings.join(", ")}` : undefined,
    profile,
    createdAt,
    annotations: [
      secretTrait({
        profile,
        createdAt,
        expiresAt: toWholeSecondDate(k.expiresAt),
        lastUsedAt: toWholeSecondDate(k.lastUsedAt),
        createdById: input.createdBy,
        identityId: input.identity,
      }),
    ],
  });
}

const GRANT_IMMUTABLE = annotation(GrantImmutableSchema);

/** The key holds an org role (org-wide keys). Read-only: a key's roles change only by replacing it. */
export function keyOrgRoleGrant(principal: ResourceId, roleId: string): Grant {
  return grantOn(resourceId(ORG_ROLE, roleId), principal);
}

/** The key holds a workspace role in one workspace (workspace-scoped keys). */
export function keyWorkspaceRoleGrant(principal: ResourceId, workspaceId: string, roleId: string): Grant {
  return grantOn(resourceId(WORKSPACE_ROLE, workspaceRoleResourceId(workspaceId, roleId)), principal);
}

function grantOn(resource: ResourceId, principal: ResourceId): Grant {
  const entitlement = { id: entitlementId(resource, ASSIGNED), resource: create(ResourceSchema, { id: resource }) };
  return newGrant(entitlement, principal, { annotations: [GRANT_IMMUTABLE] });
}

/** Findings in their fixed order (stable profiles). */
export function sortFindings(f: Finding[]): Finding[] {
  return FINDINGS.filter((x) => f.includes(x));
}

// LangSmith keeps exactly one org role per member and at most one role per workspace. Baton says so with
// EntitlementExclusionGroup annotations: one cross-resource group for the org roles (Organization User
// the default, so the group is mandatory) and one per workspace for its roles (no default: a person may
// hold none). `order` ranks privilege, higher is more.
import { type Any, EntitlementExclusionGroupSchema, annotation } from "../baton/model.js";
import type { Role } from "../langsmith/index.js";
import { ORG_ROLE_EXCLUSION_GROUP, workspaceRoleExclusionGroup } from "./ids.js";

/** Built-in roles in LangSmith's documented hierarchy, least privilege first. */
const BUILTIN_RANK: Record<string, number> = {
  ORGANIZATION_VIEWER: 1,
  ORGANIZATION_USER: 2,
  ORGANIZATION_OPERATOR: 3,
  ORGANIZATION_ADMIN: 4,
  WORKSPACE_VIEWER: 1,
  WORKSPACE_USER: 2,
  WORKSPACE_ADMIN: 3,
};

/** The role every member falls back to: what LangSmith gives an invitee when no org role is named. */
export const DEFAULT_ORG_ROLE_NAME = "ORGANIZATION_USER";

/**
 * Privilege order among roles of one scope. Built-ins sit at 100 × their rank; a custom role sits just
 * above the most privileged built-in whose permissions it wholly includes (50 + its permission count,
 * capped), so it never outranks a built-in it does not cover.
 */
export function privilegeOrder(role: Role, sameScope: Role[]): number {
  const rank = BUILTIN_RANK[role.name];
  if (!role.custom && rank !== undefined) return rank * 100;
  const perms = new Set(role.permissions);
  let covered = 0;
  for (const r of sameScope) {
    const builtinRank = BUILTIN_RANK[r.name];
    if (r.custom || builtinRank === undefined) continue;
    if (r.permissions.every((p) => perms.has(p))) covered = Math.max(covered, builtinRank);
  }
  return covered * 100 + 50 + Math.min(role.permissions.length, 49);
}

export function isDefaultOrgRole(role: Role): boolean {
  return !role.custom && role.name === DEFAULT_ORG_ROLE_NAME;
}

export function orgRoleExclusion(role: Role, orgRoles: Role[]): Any {
  return annotation(EntitlementExclusionGroupSchema, {
    exclusionGroupId: ORG_ROLE_EXCLUSION_GROUP,
    order: privilegeOrder(role, orgRoles),
    isDefault: isDefaultOrgRole(role),
    scopeToResource: false,
  });
}

export function workspaceRoleExclusion(workspaceId: string, role: Role, workspaceRoles: Role[]): Any {
  return annotation(EntitlementExclusionGroupSchema, {
    exclusionGroupId: workspaceRoleExclusionGroup(workspaceId),
    order: privilegeOrder(role, workspaceRoles),
    isDefault: false,
    scopeToResource: false,
  });
}

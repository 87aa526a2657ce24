// Every Baton object the connector emits is built here, so the org-wide and the per-workspace membership
// listings produce byte-identical rows.
import {
  ChildResourceTypeSchema,
  EntitlementImmutableSchema,
  type Entitlement,
  type Grant,
  GrantImmutableSchema,
  type JsonValue,
  type Resource,
  ResourceSchema,
  Status_ResourceStatus,
  UserTrait_AccountType,
  UserTrait_Status_Status,
  annotation,
  entitlementId,
  groupTrait,
  newEntitlement,
  newGrant,
  newResource,
  resourceId,
  roleTrait,
  userTrait,
} from "../baton/model.js";
import { create } from "@bufbuild/protobuf";
import type { Role, Workspace } from "../langsmith/index.js";
import { ASSIGNED, MEMBER, ORG_ROLE, USER, WORKSPACE, WORKSPACE_ROLE, workspaceRoleResourceId } from "./ids.js";
import { userType } from "./resources/user.js";

/** The fields of a member that both listings carry. */
export interface MemberFacts {
  lsUserId: string;
  orgIdentityId: string;
  email?: string;
  fullName?: string;
  disabled: boolean;
  createdAt?: string;
}

export function userResource(m: MemberFacts): Resource {
  const profile = compact({ ls_user_id: m.lsUserId, org_identity_id: m.orgIdentityId, email: m.email, full_name: m.fullName });
  const createdAt = toWholeSecond(m.createdAt);
  const enabled = !m.disabled;
  return newResource(resourceId(USER, m.lsUserId), m.fullName || m.email || m.lsUserId, {
    profile,
    status: enabled ? Status_ResourceStatus.ENABLED : Status_ResourceStatus.DISABLED,
    createdAt,
    annotations: [
      userTrait({
        emails: m.email ? [{ address: m.email, primary: true }] : [],
        login: m.email,
        status: enabled ? UserTrait_Status_Status.ENABLED : UserTrait_Status_Status.DISABLED,
        accountType: UserTrait_AccountType.HUMAN,
        profile,
        createdAt,
      }),
    ],
  });
}

export function workspaceResource(w: Workspace): Resource {
  const profile = compact({ workspace_id: w.id, handle: w.handle });
  return newResource(resourceId(WORKSPACE, w.id), w.displayName, {
    profile,
    createdAt: toWholeSecond(w.createdAt),
    annotations: [groupTrait({ profile }), annotation(ChildResourceTypeSchema, { resourceTypeId: WORKSPACE_ROLE })],
  });
}

export function orgRoleResource(r: Role): Resource {
  const profile = roleProfile(r);
  return newResource(resourceId(ORG_ROLE, r.id), r.displayName, {
    description: r.description || undefined,
    profile,
    annotations: [roleTrait({ profile })],
  });
}

export function workspaceRoleResource(w: Workspace, r: Role): Resource {
  const profile = { ...roleProfile(r), workspace_id: w.id, workspace_name: w.displayName };
  return newResource(resourceId(WORKSPACE_ROLE, workspaceRoleResourceId(w.id, r.id)), `${r.displayName} (${w.displayName})`, {
    parent: resourceId(WORKSPACE, w.id),
    description: r.description || undefined,
    profile,
    annotations: [roleTrait({ profile })],
  });
}

export function workspaceMemberEntitlement(ws: Resource): Entitlement {
  return newEntitlement(ws, MEMBER, "assignment", {
    displayName: `${ws.displayName} member`,
    description: `Member of the LangSmith workspace ${ws.displayName}. Read-only: membership follows the member's workspace role.`,
    grantableTo: [userType],
    annotations: [annotation(EntitlementImmutableSchema)],
  });
}

export function orgRoleEntitlement(role: Resource): Entitlement {
  return newEntitlement(role, ASSIGNED, "assignment", {
    displayName: `${role.displayName} role`,
    description: `Holds the organization role ${role.displayName}. Read-only: LangSmith keeps exactly one org role per member.`,
    grantableTo: [userType],
    annotations: [annotation(EntitlementImmutableSchema)],
  });
}

export function workspaceRoleEntitlement(role: Resource): Entitlement {
  return newEntitlement(role, ASSIGNED, "assignment", {
    displayName: role.displayName,
    description: `Holds the role ${role.displayName}. Granting replaces any other role in that workspace; revoking removes the member from the workspace.`,
    grantableTo: [userType],
  });
}

// Grants embed only the ids of their entitlement's resource, identical whichever listing they came from.

export function workspaceMemberGrant(workspaceId: string, lsUserId: string): Grant {
  return grantOn(resourceId(WORKSPACE, workspaceId), MEMBER, lsUserId, true);
}

export function workspaceRoleGrant(workspaceId: string, roleId: string, lsUserId: string): Grant {
  return grantOn(resourceId(WORKSPACE_ROLE, workspaceRoleResourceId(workspaceId, roleId)), ASSIGNED, lsUserId, false);
}

export function orgRoleGrant(roleId: string, lsUserId: string): Grant {
  return grantOn(resourceId(ORG_ROLE, roleId), ASSIGNED, lsUserId, true);
}

/** Built once: a sync emits hundreds of thousands of grants, and the annotation is never mutated. */
const GRANT_IMMUTABLE = annotation(GrantImmutableSchema);

function grantOn(resource: ReturnType<typeof resourceId>, slug: string, lsUserId: string, immutable: boolean): Grant {
  const entitlement = { id: entitlementId(resource, slug), resource: create(ResourceSchema, { id: resource }) };
  return newGrant(entitlement, resourceId(USER, lsUserId), immutable ? { annotations: [GRANT_IMMUTABLE] } : undefined);
}

function roleProfile(r: Role): Record<string, JsonValue> {
  return { role_id: r.id, name: r.name, display_name: r.displayName, custom: r.custom, permissions: [...r.permissions].sort() };
}

function compact(o: Record<string, string | undefined>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== "") out[k] = v;
  return out;
}

/** The two listings format times differently (FastAPI microseconds, Go RFC 3339); whole seconds agree. */
function toWholeSecond(iso: string | undefined): Date | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(ms) ? undefined : new Date(Math.floor(ms / 1000) * 1000);
}

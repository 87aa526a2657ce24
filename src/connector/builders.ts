// Every Baton object the connector emits is built here, so the org-wide and the per-workspace membership
// listings produce byte-identical rows.
import {
  type Any,
  ChildResourceTypeSchema,
  EntitlementImmutableSchema,
  type Entitlement,
  type Grant,
  GrantExpandableSchema,
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
  type ResourceId,
  resourceId,
  roleTrait,
  userTrait,
} from "../baton/model.js";
import { create } from "@bufbuild/protobuf";
import type { Role, Workspace } from "../langsmith/index.js";
import { ASSIGNED, INVITATION, MEMBER, ORG_ROLE, USER, WORKSPACE, WORKSPACE_ROLE, workspaceRoleResourceId } from "./ids.js";
import { invitationType } from "./resources/invitation-type.js";
import { userType } from "./resources/user.js";

/** Who can hold LangSmith access: members, and invitations (the access they bring on acceptance). A function: the types live in modules that import this one. */
const holders = () => [userType, invitationType];

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
    grantableTo: holders(),
    annotations: [annotation(EntitlementImmutableSchema)],
  });
}

/**
 * `exclusion`: the org-role exclusion group annotation. `provisionable`: org-role provisioning is switched on
 * (otherwise the entitlement is read-only).
 */
export function orgRoleEntitlement(role: Resource, exclusion: Any, provisionable: boolean): Entitlement {
  return newEntitlement(role, ASSIGNED, "assignment", {
    displayName: `${role.displayName} role`,
    description: provisionable
      ? `Holds the organization role ${role.displayName}. LangSmith keeps exactly one org role per member: granting replaces the current one; revoking sets Organization User.`
      : `Holds the organization role ${role.displayName}. Read-only: LangSmith keeps exactly one org role per member (enable --org-role-provisioning to change it).`,
    grantableTo: holders(),
    annotations: provisionable ? [exclusion] : [exclusion, annotation(EntitlementImmutableSchema)],
  });
}

export function workspaceRoleEntitlement(role: Resource, exclusion: Any): Entitlement {
  return newEntitlement(role, ASSIGNED, "assignment", {
    displayName: role.displayName,
    description: `Holds the role ${role.displayName}. Granting replaces any other role in that workspace; revoking removes the member from the workspace.`,
    grantableTo: holders(),
    annotations: [exclusion],
  });
}

// Grants embed only the ids of their entitlement's resource, identical whichever listing they came from.
// The principal defaults to a user (by ls_user_id); invitations name theirs explicitly.

export type Principal = string | ResourceId;

export function workspaceMemberGrant(workspaceId: string, principal: Principal): Grant {
  return grantOn(resourceId(WORKSPACE, workspaceId), MEMBER, principal, true);
}

export function workspaceRoleGrant(workspaceId: string, roleId: string, principal: Principal): Grant {
  return grantOn(resourceId(WORKSPACE_ROLE, workspaceRoleResourceId(workspaceId, roleId)), ASSIGNED, principal, false);
}

/** `immutable` unless org-role provisioning is on. */
export function orgRoleGrant(roleId: string, principal: Principal, immutable = true): Grant {
  return grantOn(resourceId(ORG_ROLE, roleId), ASSIGNED, principal, immutable);
}

export function invitationPrincipal(invitationResourceId: string): ResourceId {
  return resourceId(INVITATION, invitationResourceId);
}

/**
 * An Organization Admin is Admin in every workspace without LangSmith listing a membership for it. This grant
 * says so the Baton way: the workspace's Admin role is held by the Organization Admin role itself, and
 * GrantExpandable tells Baton's grant expansion (ours when the .c1z is written, ConductorOne's on ingestion)
 * to give everyone holding the Org Admin `assigned` entitlement an Admin grant here. Immutable: it cannot be
 * revoked in LangSmith except by changing the person's org role.
 */
export function orgAdminImplicitGrant(workspaceAdminRole: Resource, orgAdminRoleId: string): Grant {
  const orgAdmin = resourceId(ORG_ROLE, orgAdminRoleId);
  const entitlement = { id: entitlementId(workspaceAdminRole.id!, ASSIGNED), resource: create(ResourceSchema, { id: workspaceAdminRole.id }) };
  return newGrant(entitlement, orgAdmin, {
    annotations: [annotation(GrantExpandableSchema, { entitlementIds: [entitlementId(orgAdmin, ASSIGNED)] }), GRANT_IMMUTABLE],
  });
}

/** Built once: a sync emits hundreds of thousands of grants, and the annotation is never mutated. */
const GRANT_IMMUTABLE = annotation(GrantImmutableSchema);

function grantOn(resource: ResourceId, slug: string, principal: Principal, immutable: boolean): Grant {
  const entitlement = { id: entitlementId(resource, slug), resource: create(ResourceSchema, { id: resource }) };
  const who = typeof principal === "string" ? resourceId(USER, principal) : principal;
  return newGrant(entitlement, who, immutable ? { annotations: [GRANT_IMMUTABLE] } : undefined);
}

/** The facts of a pending invitation a reviewer needs. LangSmith's rows name no inviter, so none is shown. */
export interface InvitationFacts {
  /** The invitation resource id (see ids.ts). */
  id: string;
  pendingId: string;
  email: string;
  createdAt?: string;
  /** Set for a workspace invitation of someone already in the org. */
  workspaceId?: string;
  lsUserId?: string;
}

export function invitationResource(f: InvitationFacts): Resource {
  const profile = compact({
    email: f.email,
    pending_id: f.pendingId,
    kind: f.workspaceId ? "workspace" : "organization",
    invited_at: f.createdAt,
    workspace_id: f.workspaceId,
    ls_user_id: f.lsUserId,
  });
  const createdAt = toWholeSecond(f.createdAt);
  return newResource(resourceId(INVITATION, f.id), f.email, {
    profile,
    createdAt,
    annotations: [
      userTrait({
        emails: [{ address: f.email, primary: true }],
        login: f.email,
        // Neither enabled nor disabled: nobody can sign in with an invitation.
        status: UserTrait_Status_Status.UNSPECIFIED,
        accountType: UserTrait_AccountType.HUMAN,
        profile,
        createdAt,
      }),
    ],
  });
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

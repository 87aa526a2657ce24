/**
 * Response row builders. Key order and null-filled keys follow what pydantic
 * serializes for each schema (every declared key present, null when unset);
 * Go platform rows use empty strings instead of nulls.
 */
import { isoMicros, rfc3339, type ApiKey, type Invite, type ServiceAccount, type Membership, type Role, type User, type Workspace, type WorkspacePending } from "./model.js";
import type { OrgStore } from "./store.js";

export type RoleNameStyle = "name" | "display_name";

export function roleName(role: Role | null | undefined, style: RoleNameStyle): string | null {
  if (!role) return null;
  return style === "display_name" ? role.displayName : role.name;
}

function loginMethods(user: User): Array<Record<string, unknown>> {
  const at = isoMicros(user.createdAt);
  return [
    {
      id: user.loginId,
      provider: user.provider,
      ls_user_id: user.lsUserId,
      saml_provider_id: null,
      provider_user_id: user.userId,
      created_at: at,
      updated_at: at,
      email: user.email,
      full_name: user.fullName,
      first_name: user.firstName,
      last_name: user.lastName,
      username: null,
      is_disabled: user.disabled,
      provisioning_method: user.provisioning,
      email_confirmed_at: at,
    },
  ];
}

export function orgMemberRow(store: OrgStore, user: User, style: RoleNameStyle): Record<string, unknown> {
  return {
    id: user.id,
    organization_id: store.id,
    tenant_id: null,
    created_at: isoMicros(user.createdAt),
    user_id: user.userId,
    ls_user_id: user.lsUserId,
    read_only: false,
    role_id: user.orgRole.id,
    role_name: roleName(user.orgRole, style),
    access_scope: "organization",
    email: user.email,
    full_name: user.fullName,
    avatar_url: null,
    linked_login_methods: loginMethods(user),
    display_name: user.fullName,
    is_disabled: user.disabled,
    org_role_id: user.orgRole.id,
    org_role_name: roleName(user.orgRole, style),
    tenant_ids: user.memberships.filter((m) => !m.ws.isDeleted).map((m) => m.ws.id),
  };
}

export function workspaceMemberRow(store: OrgStore, m: Membership, style: RoleNameStyle): Record<string, unknown> {
  const u = m.user;
  return {
    id: m.id,
    organization_id: store.id,
    tenant_id: m.ws.id,
    created_at: isoMicros(m.createdAt),
    user_id: u.userId,
    ls_user_id: u.lsUserId,
    read_only: false,
    role_id: m.role.id,
    role_name: roleName(m.role, style),
    access_scope: "workspace",
    email: u.email,
    full_name: u.fullName,
    avatar_url: null,
    linked_login_methods: loginMethods(u),
    display_name: u.fullName,
    is_disabled: u.disabled,
    org_role_id: u.orgRole.id,
    org_role_name: roleName(u.orgRole, style),
  };
}

export function identityRow(store: OrgStore, m: Membership, style: RoleNameStyle): Record<string, unknown> {
  return {
    id: m.id,
    organization_id: store.id,
    tenant_id: m.ws.id,
    created_at: isoMicros(m.createdAt),
    user_id: m.user.userId,
    ls_user_id: m.user.lsUserId,
    read_only: false,
    role_id: m.role.id,
    role_name: roleName(m.role, style),
    access_scope: "workspace",
  };
}

export function orgPendingRow(store: OrgStore, inv: Invite, style: RoleNameStyle): Record<string, unknown> {
  return {
    email: inv.email,
    read_only: false,
    role_id: inv.orgRole.id,
    workspace_ids: inv.workspaces.length ? inv.workspaces.map((p) => p.ws.id) : null,
    workspace_role_id: inv.workspaceRole?.id ?? null,
    password: null,
    full_name: null,
    access_scope: "organization",
    id: inv.id,
    user_id: inv.userId,
    tenant_id: null,
    organization_id: store.id,
    created_at: isoMicros(inv.createdAt),
    role_name: roleName(inv.orgRole, style),
    org_role_id: inv.orgRole.id,
    org_role_name: roleName(inv.orgRole, style),
    tenant_ids: inv.workspaces.map((p) => p.ws.id),
  };
}

export function workspacePendingRow(store: OrgStore, p: WorkspacePending, style: RoleNameStyle): Record<string, unknown> {
  const orgRole = p.invite?.orgRole ?? p.member?.orgRole ?? null;
  return {
    email: p.email,
    read_only: false,
    role_id: p.role.id,
    workspace_ids: null,
    workspace_role_id: null,
    password: null,
    full_name: null,
    access_scope: "workspace",
    id: p.id,
    user_id: p.invite ? p.invite.userId : p.member?.userId ?? null,
    tenant_id: p.ws.id,
    organization_id: store.id,
    created_at: isoMicros(p.createdAt),
    role_name: roleName(p.role, style),
    org_role_id: orgRole?.id ?? null,
    org_role_name: roleName(orgRole, style),
  };
}

export function roleRow(role: Role): Record<string, unknown> {
  return {
    id: role.id,
    name: role.name,
    display_name: role.displayName,
    description: role.description,
    organization_id: role.organizationId,
    permissions: [...role.permissions],
    access_scope: role.accessScope,
  };
}

export function workspaceRow(store: OrgStore, ws: Workspace, callerRole: Role | null, style: RoleNameStyle): Record<string, unknown> {
  return {
    id: ws.id,
    organization_id: store.id,
    created_at: isoMicros(ws.createdAt),
    display_name: ws.displayName,
    is_personal: ws.isPersonal,
    is_deleted: ws.isDeleted,
    tenant_handle: ws.handle,
    data_plane_url: null,
    read_only: false,
    role_id: callerRole?.id ?? null,
    role_name: roleName(callerRole, style),
    permissions: callerRole ? [...callerRole.permissions] : [],
  };
}

function shortKey(key: string): string {
  return `${key.slice(0, 8)}...${key.slice(-4)}`;
}

/**
 * Service keys list the names of the workspaces they reach (org-wide keys: every live
 * workspace) and only workspace-scoped keys name a default; PATs carry neither list nor
 * the undocumented role/scope extras.
 */
export function apiKeyRow(store: OrgStore, key: ApiKey): Record<string, unknown> {
  const orgWide = key.kind === "service" && key.accessScope === "organization";
  const names =
    key.kind === "pat" ? null : orgWide ? store.workspaces.filter((w) => !w.isDeleted && !w.isPersonal).map((w) => w.displayName) : key.workspaces.map((w) => w.displayName);
  const row: Record<string, unknown> = {
    created_at: isoMicros(key.createdAt),
    id: key.id,
    short_key: shortKey(key.key),
    description: key.description,
    read_only: false,
    last_used_at: key.lastUsedAt === null ? null : isoMicros(key.lastUsedAt),
    expires_at: key.expiresAt === null ? null : isoMicros(key.expiresAt),
    workspace_names: names,
    default_workspace_name: orgWide ? null : key.defaultWorkspace?.displayName ?? null,
  };
  if (key.kind === "service") {
    row.access_scope = key.accessScope;
    row.role_id = key.role?.id ?? null;
    row.org_role_id = key.orgRole?.id ?? null;
    row.created_by = key.createdBy;
  }
  return row;
}

/** A row of the org-wide PAT listing: the key row plus its owner (cartography reads the owner from it). */
export function orgPatRow(store: OrgStore, key: ApiKey): Record<string, unknown> {
  const owner = key.owner;
  return { ...apiKeyRow(store, key), ls_user_id: owner?.lsUserId ?? null, user_id: owner?.userId ?? null, email: owner?.email ?? null };
}

export function serviceAccountRow(store: OrgStore, sa: ServiceAccount): Record<string, unknown> {
  return {
    id: sa.id,
    created_at: isoMicros(sa.createdAt),
    updated_at: isoMicros(sa.updatedAt),
    name: sa.name,
    organization_id: store.id,
    default_workspace_id: sa.defaultWorkspace?.id ?? null,
  };
}

export function platformMemberRow(
  row: User | Invite,
  visible: (ws: Workspace) => boolean,
  style: RoleNameStyle,
): Record<string, unknown> {
  if ("lsUserId" in row) {
    const u = row;
    return {
      id: u.id,
      email: u.email,
      display_name: u.fullName,
      avatar_url: "",
      created_at: rfc3339(u.createdAt),
      is_disabled: u.disabled,
      is_pending: false,
      ls_user_id: u.lsUserId,
      role_id: u.orgRole.id,
      role_name: roleName(u.orgRole, style) ?? "",
      linked_login_methods: [{ provider: u.provider, provisioning: u.provisioning ?? "" }],
      scim_groups: [],
      workspace_memberships: u.memberships
        .filter((m) => !m.ws.isDeleted && visible(m.ws))
        .sort((a, b) => (a.ws.createdAt - b.ws.createdAt) || (a.ws.id < b.ws.id ? -1 : 1))
        .map((m) => ({ workspace_id: m.ws.id, workspace_name: m.ws.displayName, role_id: m.role.id, role_name: roleName(m.role, style) ?? "" })),
    };
  }
  const inv = row;
  return {
    id: inv.id,
    email: inv.email,
    display_name: "",
    avatar_url: "",
    created_at: rfc3339(inv.createdAt),
    is_disabled: false,
    is_pending: true,
    ls_user_id: "",
    role_id: inv.orgRole.id,
    role_name: roleName(inv.orgRole, style) ?? "",
    linked_login_methods: [],
    scim_groups: [],
    workspace_memberships: inv.workspaces
      .filter((p) => !p.ws.isDeleted && visible(p.ws))
      .map((p) => ({ workspace_id: p.ws.id, workspace_name: p.ws.displayName, role_id: p.role.id, role_name: roleName(p.role, style) ?? "" })),
  };
}

function orgConfig(): Record<string, unknown> {
  return {
    plan_tier: "enterprise",
    engine_default_enabled: false,
    max_identities: 100000,
    max_workspaces: -1,
    can_use_rbac: true,
    can_use_abac: false,
    can_use_audit_logs: true,
    can_add_seats: true,
    startup_plan_approval_date: null,
    partner_plan_approval_date: null,
    premier_plan_approval_date: null,
    can_disable_public_sharing: true,
    can_use_langgraph_cloud: false,
    can_use_saml_sso: true,
    can_use_bulk_export: false,
    can_set_api_key_max_expiry: true,
    ip_allowlist_enabled: false,
  };
}

export function organizationBody(store: OrgStore, permissions: string[]): Record<string, unknown> {
  return {
    id: store.id,
    display_name: store.displayName,
    config: orgConfig(),
    connected_to_stripe: false,
    connected_to_metronome: false,
    is_personal: false,
    tier: "enterprise",
    payment_method: null,
    has_cancelled: false,
    end_of_billing_period: null,
    current_plan: { tier: "enterprise", started_on: isoMicros(store.createdAt), ends_on: null },
    upcoming_plan: null,
    reached_max_workspaces: false,
    permissions,
    marketplace_payouts_enabled: false,
    default_sso_provision: false,
    security_contact: null,
    scim_group_name_separator: ":",
  };
}

export function organizationInfoBody(store: OrgStore, permissions: string[]): Record<string, unknown> {
  return {
    id: store.id,
    display_name: store.displayName,
    config: orgConfig(),
    engine_enabled: null,
    is_personal: false,
    tier: "enterprise",
    reached_max_workspaces: false,
    permissions,
    disabled: false,
    member_disabled: false,
    sso_only: false,
    jit_provisioning_enabled: true,
    invites_enabled: true,
    sso_login_slug: null,
    public_sharing_disabled: false,
    pat_creation_disabled: false,
    workspace_admin_can_invite_to_org: false,
    marketplace_payouts_enabled: false,
    default_sso_provision: false,
    max_api_key_expiry_days: null,
    security_contact: null,
    max_pat_expiry_days: null,
    max_service_key_expiry_days: null,
    scim_group_name_separator: ":",
    can_export_usage_backfill: false,
    llm_auth_proxy_enabled: null,
    llm_auth_proxy_jwt_audience: null,
    ip_allowlist: [],
    ip_allowlist_enabled: false,
    restrict_browser_secrets: null,
    llm_auth_proxy_allowed_urls: null,
  };
}

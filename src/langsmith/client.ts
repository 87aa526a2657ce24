import { z } from "zod";
import { DEFAULT_BASE_URL, normalizeBaseUrl } from "./base-url.js";
import { DEFAULT_MAX_IN_FLIGHT } from "./defaults.js";
import { API_PATHS, orgInvitePath, orgMemberPath, serviceKeyPath, workspaceInvitePath, workspaceMemberPath } from "./paths.js";
import { HttpExecutor, type HttpOptions, type HttpStats } from "./http.js";
import type { Clock } from "../common/clock.js";
import { RequestLimiter } from "./limiter.js";
import type { Logger } from "./log.js";
import { MEMBER_PAGE_LIMIT, paginate } from "./pagination.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";
import * as s from "./schemas.js";
import { registerSecret } from "./secrets.js";
import type { Transport } from "./transport.js";
import type {
  ApiKeyInfo,
  CreatedServiceKey,
  CreateServiceKeyInput,
  PersonalAccessTokenInfo,
  ServiceAccountInfo,
  Organization,
  OrgMember,
  Page,
  PendingInvite,
  PlatformMember,
  PlatformPage,
  Role,
  Workspace,
  WorkspaceMember,
} from "./types.js";

export interface LangSmithClientOptions {
  apiKey: string;
  /** Sent as X-Organization-Id on every request. */
  organizationId: string;
  /** Default LangSmith Cloud US. EU/APAC/AWS hosts and self-hosted `https://host[/api]` are accepted. */
  baseUrl?: string;
  /** Per-request timeout (default 300 s). */
  timeoutMs?: number;
  /** Ceiling on request starts per second (default unlimited here; the CLI sets its own default). */
  requestsPerSecond?: number;
  /** Ceiling on requests in flight (default 8). */
  maxInFlight?: number;
  retry?: Partial<RetryPolicy>;
  transport?: Transport;
  logger?: Logger;
  userAgent?: string;
  random?: () => number;
  /** Time source for request spacing, Retry-After and back-off waits (default: the real clock). */
  clock?: Clock;
}

/** Per-call options every method accepts. */
export interface RequestOptions {
  /** Cancels the call: its request is aborted and the method rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface PageParams extends RequestOptions {
  limit?: number;
  offset?: number;
}

export interface AddWorkspaceMemberInput {
  /** Preferred way to name the person (LangSmith's org identity id). */
  orgIdentityId?: string;
  lsUserId?: string;
  roleId: string;
}

export interface InviteInput {
  email: string;
  /** Org role; LangSmith's default when omitted is undocumented, so callers always send one. */
  roleId: string;
  /** Workspaces joined on acceptance, all with `workspaceRoleId`. */
  workspaceIds?: string[];
  workspaceRoleId?: string;
}

/**
 * Typed client for the LangSmith organization-management endpoints the connector uses.
 * List methods fetch exactly one page; `iterate*` helpers walk a whole listing.
 */
export class LangSmithClient {
  readonly baseUrl: string;
  readonly organizationId: string;
  private readonly http: HttpExecutor;
  private readonly limiter: RequestLimiter;
  /** Kept only to recognise the caller's own key among listed keys; never exposed or printed. */
  readonly #apiKey: string;

  constructor(opts: LangSmithClientOptions) {
    this.baseUrl = normalizeBaseUrl(opts.baseUrl ?? DEFAULT_BASE_URL);
    this.organizationId = opts.organizationId;
    this.#apiKey = opts.apiKey;
    this.limiter = new RequestLimiter({ requestsPerSecond: opts.requestsPerSecond ?? Infinity, maxInFlight: opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT, clock: opts.clock });
    const options: HttpOptions = HttpExecutor.defaults({
      apiKey: opts.apiKey,
      organizationId: opts.organizationId,
      baseUrl: this.baseUrl,
      limiter: this.limiter,
      retry: { ...DEFAULT_RETRY_POLICY, ...opts.retry },
      ...(opts.timeoutMs !== undefined && { timeoutMs: opts.timeoutMs }),
      ...(opts.transport && { transport: opts.transport }),
      ...(opts.logger && { logger: opts.logger }),
      ...(opts.userAgent && { userAgent: opts.userAgent }),
      ...(opts.random && { random: opts.random }),
      ...(opts.clock && { clock: opts.clock }),
    });
    this.http = new HttpExecutor(options);
  }

  stats(): HttpStats & { requestsPerSecond: number; slowdowns: number } {
    const l = this.limiter.stats();
    return { ...this.http.stats(), requestsPerSecond: l.requestsPerSecond, slowdowns: l.slowdowns };
  }

  // ---- organization -------------------------------------------------------------------------

  async getOrganization(opts: RequestOptions = {}): Promise<Organization> {
    const { data } = await this.http.call({ method: "GET", path: API_PATHS.organization, schema: s.organizationSchema, signal: opts.signal });
    return { id: data.id ?? undefined, displayName: data.display_name ?? undefined, personal: data.is_personal ?? undefined };
  }

  /** Both organization- and workspace-scoped roles, built-in and custom (unpaginated). */
  async listRoles(opts: RequestOptions = {}): Promise<Role[]> {
    const { data } = await this.http.call({ method: "GET", path: API_PATHS.roles, schema: z.array(s.roleSchema), signal: opts.signal });
    return data.map((r) => ({
      id: r.id,
      name: r.name,
      displayName: r.display_name,
      description: r.description ?? "",
      accessScope: r.access_scope ?? null,
      custom: !!r.organization_id,
      permissions: r.permissions ?? [],
    }));
  }

  /** Every workspace the key can see (unpaginated), personal ones included; deleted ones only when asked. */
  async listWorkspaces(opts: { includeDeleted?: boolean } & RequestOptions = {}): Promise<Workspace[]> {
    const { data } = await this.http.call({
      method: "GET",
      path: API_PATHS.workspaces,
      query: { include_deleted: opts.includeDeleted ?? false },
      schema: z.array(s.workspaceSchema),
      signal: opts.signal,
    });
    return data.map((w) => ({
      id: w.id,
      displayName: w.display_name,
      handle: w.tenant_handle ?? undefined,
      personal: w.is_personal,
      deleted: w.is_deleted,
      createdAt: w.created_at ?? undefined,
    }));
  }

  // ---- organization members -----------------------------------------------------------------

  async listOrgMembersPage(p: PageParams & { lsUserIds?: string[]; emails?: string[] } = {}): Promise<Page<OrgMember>> {
    const { data, headers } = await this.http.call({
      method: "GET",
      path: API_PATHS.orgMembersActive,
      query: { ...pageQuery(p), ls_user_ids: p.lsUserIds, emails: p.emails },
      schema: z.array(s.orgMemberSchema),
      signal: p.signal,
    });
    return { items: data.map(toOrgMember), total: totalOf(headers) };
  }

  async listOrgPendingPage(p: PageParams & { emails?: string[] } = {}): Promise<Page<PendingInvite>> {
    const { data, headers } = await this.http.call({
      method: "GET",
      path: API_PATHS.orgMembersPending,
      query: { ...pageQuery(p), emails: p.emails },
      schema: z.array(s.pendingSchema),
      signal: p.signal,
    });
    return { items: data.map(toPending), total: totalOf(headers) };
  }

  /** The org-wide listing with each member's workspace roles (Go platform route, always under /api). */
  async listPlatformMembersPage(p: PageParams & { activeOnly?: boolean } = {}): Promise<PlatformPage> {
    const { data, headers } = await this.http.call({
      method: "GET",
      path: API_PATHS.platformMembers,
      query: { ...pageQuery(p), active_is: p.activeOnly ? true : undefined },
      schema: z.array(s.platformMemberSchema),
      signal: p.signal,
    });
    return {
      items: data.map(toPlatformMember),
      total: totalOf(headers),
      allWorkspaces: headers["x-members-list-all-workspaces"] === "true",
    };
  }

  // ---- workspace members (X-Tenant-Id) -------------------------------------------------------

  async listWorkspaceMembersPage(workspaceId: string, p: PageParams & { lsUserIds?: string[] } = {}): Promise<Page<WorkspaceMember>> {
    const { data, headers } = await this.http.call({
      method: "GET",
      path: API_PATHS.workspaceMembersActive,
      tenantId: workspaceId,
      query: { ...pageQuery(p), ls_user_ids: p.lsUserIds },
      schema: z.array(s.workspaceMemberSchema),
      signal: p.signal,
    });
    return { items: data.map((m) => toWorkspaceMember(m, workspaceId)), total: totalOf(headers) };
  }

  async listWorkspacePendingPage(workspaceId: string, p: PageParams = {}): Promise<Page<PendingInvite>> {
    const { data, headers } = await this.http.call({
      method: "GET",
      path: API_PATHS.workspaceMembersPending,
      tenantId: workspaceId,
      query: pageQuery(p),
      schema: z.array(s.pendingSchema),
      signal: p.signal,
    });
    return { items: data.map(toPending), total: totalOf(headers) };
  }

  /** Adds an active org member to a workspace with one workspace role. Returns the new workspace identity. */
  async addWorkspaceMember(workspaceId: string, input: AddWorkspaceMemberInput, opts: RequestOptions = {}): Promise<{ identityId: string; roleId?: string }> {
    const body: Record<string, string> = { role_id: input.roleId };
    if (input.orgIdentityId) body.org_identity_id = input.orgIdentityId;
    else if (input.lsUserId) body.ls_user_id = input.lsUserId;
    else throw new TypeError("addWorkspaceMember needs orgIdentityId or lsUserId");
    const { data } = await this.http.call({
      method: "POST",
      path: API_PATHS.workspaceMembers,
      tenantId: workspaceId,
      body,
      schema: s.identitySchema,
      signal: opts.signal,
    });
    return { identityId: data.id, roleId: data.role_id ?? undefined };
  }

  /** Replaces a workspace member's single role. `identityId` is the workspace identity id. */
  async setWorkspaceMemberRole(workspaceId: string, identityId: string, roleId: string, opts: RequestOptions = {}): Promise<void> {
    await this.http.call({
      method: "PATCH",
      path: workspaceMemberPath(identityId),
      tenantId: workspaceId,
      body: { role_id: roleId },
      schema: s.anyBody,
      signal: opts.signal,
    });
  }

  /** Removes the member from the workspace (their org membership stays). */
  async removeWorkspaceMember(workspaceId: string, identityId: string, opts: RequestOptions = {}): Promise<void> {
    await this.http.call({
      method: "DELETE",
      path: workspaceMemberPath(identityId),
      tenantId: workspaceId,
      schema: s.anyBody,
      signal: opts.signal,
    });
  }

  // ---- invitations and org membership (writes need organization:manage) ------------------------

  /** Invites one person to the org. Returns the pending invitation. */
  async inviteOrgMember(input: InviteInput, opts: RequestOptions = {}): Promise<PendingInvite> {
    const body: Record<string, unknown> = { email: input.email, role_id: input.roleId };
    if (input.workspaceIds?.length) {
      body.workspace_ids = input.workspaceIds;
      if (input.workspaceRoleId) body.workspace_role_id = input.workspaceRoleId;
    }
    const { data } = await this.http.call({ method: "POST", path: API_PATHS.orgMembers, body, schema: s.pendingSchema, signal: opts.signal });
    return toPending(data);
  }

  /** Replaces an active member's single org role. `identityId` is the org identity id. */
  async setOrgMemberRole(identityId: string, roleId: string, opts: RequestOptions = {}): Promise<void> {
    await this.http.call({ method: "PATCH", path: orgMemberPath(identityId), body: { role_id: roleId }, schema: s.anyBody, signal: opts.signal });
  }

  /** Removes an active member from the org; LangSmith ends their workspace memberships with it. */
  async removeOrgMember(identityId: string, opts: RequestOptions = {}): Promise<void> {
    await this.http.call({ method: "DELETE", path: orgMemberPath(identityId), schema: s.anyBody, signal: opts.signal });
  }

  /** Changes the org role a pending invitation brings. */
  async setOrgInviteRole(pendingId: string, roleId: string, opts: RequestOptions = {}): Promise<void> {
    await this.http.call({ method: "PATCH", path: orgInvitePath(pendingId), body: { role_id: roleId }, schema: s.anyBody, signal: opts.signal });
  }

  async cancelOrgInvite(pendingId: string, opts: RequestOptions = {}): Promise<void> {
    await this.http.call({ method: "DELETE", path: orgInvitePath(pendingId), schema: s.anyBody, signal: opts.signal });
  }

  async cancelWorkspaceInvite(workspaceId: string, pendingId: string, opts: RequestOptions = {}): Promise<void> {
    await this.http.call({ method: "DELETE", path: workspaceInvitePath(pendingId), tenantId: workspaceId, schema: s.anyBody, signal: opts.signal });
  }

  // ---- keys ----------------------------------------------------------------------------------

  /**
   * Whether a key LangSmith lists in redacted form (`lsv2_sk_...4f2a`: its first 8 and last 4 characters)
   * could be the key this client authenticates with. A match is not proof (other keys may share the
   * visible characters), so callers use it to refuse, never to act.
   */
  callerKeyMatches(shortKey: string): boolean {
    const m = /^(.+?)\.\.\.(.+)$/.exec(shortKey);
    return !!m && this.#apiKey.startsWith(m[1]!) && this.#apiKey.endsWith(m[2]!);
  }

  /** Every org-level service key, org-wide and workspace-scoped (unpaginated). */
  async listServiceKeys(opts: RequestOptions = {}): Promise<ApiKeyInfo[]> {
    const { data } = await this.http.call({ method: "GET", path: API_PATHS.serviceKeys, schema: z.array(s.apiKeySchema), signal: opts.signal });
    return data.map(toApiKey);
  }

  /**
   * Creates a service key. The answer is the only place the full key ever appears; it is registered for
   * redaction before it is returned. Not retried on a lost answer: the caller reads the keys back first.
   */
  async createServiceKey(input: CreateServiceKeyInput, opts: RequestOptions = {}): Promise<CreatedServiceKey> {
    const body: Record<string, unknown> = { description: input.description };
    if (input.expiresAt !== undefined) body.expires_at = input.expiresAt;
    if (input.workspaceIds !== undefined) body.workspaces = input.workspaceIds;
    if (input.roleId !== undefined) body.role_id = input.roleId;
    if (input.orgRoleId !== undefined) body.org_role_id = input.orgRoleId;
    if (input.defaultWorkspaceId !== undefined) body.default_workspace_id = input.defaultWorkspaceId;
    const { data } = await this.http.call({ method: "POST", path: API_PATHS.serviceKeys, body, schema: s.createdApiKeySchema, signal: opts.signal });
    registerSecret(data.key);
    return { ...toApiKey(data), key: data.key };
  }

  /** Deletes a service key (LangSmith answers 404 when it is already gone: a NotFoundError). */
  async deleteServiceKey(keyId: string, opts: RequestOptions = {}): Promise<void> {
    await this.http.call({ method: "DELETE", path: serviceKeyPath(keyId), schema: s.anyBody, signal: opts.signal });
  }

  /** The calling identity's own personal access tokens. */
  async listPersonalAccessTokens(opts: RequestOptions = {}): Promise<ApiKeyInfo[]> {
    const { data } = await this.http.call({
      method: "GET",
      path: API_PATHS.personalAccessTokens,
      schema: z.array(s.apiKeySchema),
      signal: opts.signal,
    });
    return data.map(toApiKey);
  }

  /** Every member's personal access tokens with their owner (needs organization:pats:read; in no published spec). */
  async listOrgPersonalAccessTokens(opts: RequestOptions = {}): Promise<PersonalAccessTokenInfo[]> {
    const { data } = await this.http.call({ method: "GET", path: API_PATHS.orgPersonalAccessTokens, schema: z.array(s.orgPatSchema), signal: opts.signal });
    return data.map((p) => ({
      ...toApiKey(p),
      owner: { lsUserId: orNone(p.ls_user_id), userId: orNone(p.user_id), email: orNone(p.email), identityId: orNone(p.org_identity_id) ?? orNone(p.identity_id) },
    }));
  }

  async listServiceAccounts(opts: RequestOptions = {}): Promise<ServiceAccountInfo[]> {
    const { data } = await this.http.call({ method: "GET", path: API_PATHS.serviceAccounts, schema: z.array(s.serviceAccountSchema), signal: opts.signal });
    return data.map((a) => ({ id: a.id, name: a.name, createdAt: orNone(a.created_at), defaultWorkspaceId: orNone(a.default_workspace_id) }));
  }

  // ---- whole-listing helpers -----------------------------------------------------------------

  iterateOrgMembers(opts: { lsUserIds?: string[]; emails?: string[] } & RequestOptions = {}): AsyncGenerator<OrgMember[]> {
    return paginate((limit, offset) => this.listOrgMembersPage({ limit, offset, ...opts }), {
      idOf: (m) => m.identityId,
      where: { method: "GET", path: API_PATHS.orgMembersActive },
    });
  }

  iterateOrgPending(opts: { emails?: string[] } & RequestOptions = {}): AsyncGenerator<PendingInvite[]> {
    return paginate((limit, offset) => this.listOrgPendingPage({ limit, offset, ...opts }), {
      idOf: (p) => p.id,
      where: { method: "GET", path: API_PATHS.orgMembersPending },
    });
  }

  iterateWorkspacePending(workspaceId: string, opts: RequestOptions = {}): AsyncGenerator<PendingInvite[]> {
    return paginate((limit, offset) => this.listWorkspacePendingPage(workspaceId, { limit, offset, ...opts }), {
      idOf: (p) => p.id,
      where: { method: "GET", path: API_PATHS.workspaceMembersPending, tenantId: workspaceId },
    });
  }

  iterateWorkspaceMembers(workspaceId: string, opts: { lsUserIds?: string[] } & RequestOptions = {}): AsyncGenerator<WorkspaceMember[]> {
    return paginate((limit, offset) => this.listWorkspaceMembersPage(workspaceId, { limit, offset, ...opts }), {
      idOf: (m) => m.identityId,
      where: { method: "GET", path: API_PATHS.workspaceMembersActive, tenantId: workspaceId },
    });
  }
}

function pageQuery(p: PageParams): { limit: number; offset: number } {
  return { limit: p.limit ?? MEMBER_PAGE_LIMIT, offset: p.offset ?? 0 };
}

function totalOf(headers: Record<string, string>): number | undefined {
  const raw = headers["x-pagination-total"];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

const orNone = (v: string | null | undefined) => (v === null || v === undefined || v === "" ? undefined : v);

function toOrgMember(m: z.infer<typeof s.orgMemberSchema>): OrgMember {
  return {
    identityId: m.id,
    lsUserId: m.ls_user_id,
    userId: orNone(m.user_id),
    email: orNone(m.email),
    fullName: orNone(m.full_name) ?? orNone(m.display_name),
    disabled: m.is_disabled ?? false,
    // LangSmith puts the org role in role_id on organization member rows; org_role_id is often null there.
    orgRoleId: orNone(m.org_role_id) ?? orNone(m.role_id),
    createdAt: orNone(m.created_at),
  };
}

function toWorkspaceMember(m: z.infer<typeof s.workspaceMemberSchema>, workspaceId: string): WorkspaceMember {
  return {
    identityId: m.id,
    workspaceId: orNone(m.tenant_id) ?? workspaceId,
    lsUserId: m.ls_user_id,
    email: orNone(m.email),
    disabled: m.is_disabled ?? false,
    roleId: orNone(m.role_id),
  };
}

function toPending(p: z.infer<typeof s.pendingSchema>): PendingInvite {
  return {
    id: p.id,
    email: p.email,
    // Org invites carry their org role in role_id (org_role_id as a fallback); workspace rows their workspace role.
    roleId: orNone(p.role_id) ?? (orNone(p.tenant_id) ? undefined : orNone(p.org_role_id)),
    workspaceIds: (p.workspace_ids ?? []).filter((w) => w !== ""),
    workspaceRoleId: orNone(p.workspace_role_id),
    workspaceId: orNone(p.tenant_id),
    createdAt: orNone(p.created_at),
  };
}

function toPlatformMember(m: z.infer<typeof s.platformMemberSchema>): PlatformMember {
  return {
    identityId: m.id,
    pending: m.is_pending ?? false,
    lsUserId: orNone(m.ls_user_id),
    email: orNone(m.email),
    fullName: orNone(m.display_name),
    disabled: m.is_disabled ?? false,
    orgRoleId: orNone(m.role_id),
    createdAt: orNone(m.created_at),
    workspaceMemberships: (m.workspace_memberships ?? []).map((w) => ({ workspaceId: w.workspace_id, roleId: orNone(w.role_id) })),
  };
}

function toApiKey(k: z.infer<typeof s.apiKeySchema>): ApiKeyInfo {
  return {
    id: k.id,
    shortKey: k.short_key,
    description: orNone(k.description),
    accessScope: k.access_scope ?? null,
    roleId: orNone(k.role_id),
    orgRoleId: orNone(k.org_role_id),
    createdAt: orNone(k.created_at),
    lastUsedAt: orNone(k.last_used_at),
    expiresAt: orNone(k.expires_at),
    workspaceNames: k.workspace_names ?? [],
    createdBy: orNone(k.created_by),
  };
}

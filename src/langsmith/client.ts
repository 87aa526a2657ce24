import { z } from "zod";
import { DEFAULT_BASE_URL, normalizeBaseUrl } from "./base-url.js";
import { DEFAULT_MAX_IN_FLIGHT } from "./defaults.js";
import { API_PATHS, workspaceMemberPath } from "./paths.js";
import { HttpExecutor, type HttpOptions, type HttpStats } from "./http.js";
import { RequestLimiter } from "./limiter.js";
import type { Logger } from "./log.js";
import { MEMBER_PAGE_LIMIT, paginate } from "./pagination.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";
import * as s from "./schemas.js";
import type { Transport } from "./transport.js";
import type {
  ApiKeyInfo,
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

/**
 * Typed client for the LangSmith organization-management endpoints the connector uses.
 * List methods fetch exactly one page; `iterate*` helpers walk a whole listing.
 */
export class LangSmithClient {
  readonly baseUrl: string;
  readonly organizationId: string;
  private readonly http: HttpExecutor;
  private readonly limiter: RequestLimiter;

  constructor(opts: LangSmithClientOptions) {
    this.baseUrl = normalizeBaseUrl(opts.baseUrl ?? DEFAULT_BASE_URL);
    this.organizationId = opts.organizationId;
    this.limiter = new RequestLimiter({ requestsPerSecond: opts.requestsPerSecond ?? Infinity, maxInFlight: opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT });
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

  async listOrgPendingPage(p: PageParams = {}): Promise<Page<PendingInvite>> {
    const { data, headers } = await this.http.call({
      method: "GET",
      path: API_PATHS.orgMembersPending,
      query: pageQuery(p),
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

  // ---- keys ----------------------------------------------------------------------------------

  async listServiceKeys(opts: RequestOptions = {}): Promise<ApiKeyInfo[]> {
    const { data } = await this.http.call({ method: "GET", path: API_PATHS.serviceKeys, schema: z.array(s.apiKeySchema), signal: opts.signal });
    return data.map(toApiKey);
  }

  /** The calling identity's own personal access tokens (LangSmith offers no org-wide PAT listing in its spec). */
  async listPersonalAccessTokens(opts: RequestOptions = {}): Promise<ApiKeyInfo[]> {
    const { data } = await this.http.call({
      method: "GET",
      path: API_PATHS.personalAccessTokens,
      schema: z.array(s.apiKeySchema),
      signal: opts.signal,
    });
    return data.map(toApiKey);
  }

  // ---- whole-listing helpers -----------------------------------------------------------------

  iterateOrgMembers(opts: { lsUserIds?: string[] } & RequestOptions = {}): AsyncGenerator<OrgMember[]> {
    return paginate((limit, offset) => this.listOrgMembersPage({ limit, offset, ...opts }), {
      idOf: (m) => m.identityId,
      where: { method: "GET", path: API_PATHS.orgMembersActive },
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
  return { id: p.id, email: p.email, roleId: orNone(p.role_id) };
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
  };
}

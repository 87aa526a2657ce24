import { redact, redactValue } from "./secrets.js";

/** What every LangSmith error carries. The API key is never part of it. */
export interface RequestInfo {
  method: string;
  /** Path with query string, e.g. `/api/v1/orgs/current/members/active?limit=500&offset=0`. */
  path: string;
  /** The X-Tenant-Id sent, if any: names the workspace in messages. */
  tenantId?: string;
}

export interface ErrorDetails extends RequestInfo {
  status?: number;
  /** LangSmith's `detail` (FastAPI) or `error`/`message` (Go routes), redacted. */
  detail?: unknown;
  retryAfterMs?: number;
  attempts?: number;
  cause?: unknown;
}

export abstract class LangSmithError extends Error {
  readonly method: string;
  readonly path: string;
  readonly tenantId?: string;
  readonly status?: number;
  readonly detail?: unknown;
  readonly attempts?: number;
  /** Whether retrying the same call later could succeed. */
  abstract readonly transient: boolean;

  constructor(summary: string, d: ErrorDetails) {
    const where = `${d.method} ${d.path}${d.tenantId ? ` (workspace ${d.tenantId})` : ""}`;
    const detail = d.detail === undefined ? "" : `: ${formatDetail(d.detail)}`;
    super(redact(`${summary} — ${where}${d.status ? ` answered ${d.status}` : ""}${detail}`), d.cause ? { cause: d.cause } : undefined);
    this.name = new.target.name;
    this.method = d.method;
    this.path = redact(d.path);
    this.tenantId = d.tenantId;
    this.status = d.status;
    this.detail = redactValue(d.detail);
    this.attempts = d.attempts;
  }
}

export class AuthenticationError extends LangSmithError {
  readonly transient = false;
  constructor(d: ErrorDetails) {
    super("LangSmith rejected the API key (check --api-key, its region and --base-url; legacy ls__ keys no longer work)", d);
  }
}

export class PermissionError extends LangSmithError {
  readonly transient = false;
  /** True when LangSmith says an org-scoped key needs X-Tenant-Id on this route. */
  readonly missingTenantHeader: boolean;
  /** The permission LangSmith says the key lacks (e.g. `workspaces:read`), when it names one. */
  readonly missingPermission?: string;
  /** True when LangSmith says the key does not belong to the organization sent as X-Organization-Id. */
  readonly wrongOrganization: boolean;
  constructor(d: ErrorDetails) {
    const text = formatDetail(d.detail ?? "");
    const missingTenant = /X-Tenant-ID|org_scoped_key_requires_workspace/i.test(text);
    const permission = /missing permission ([\w:.-]+)/i.exec(text)?.[1];
    const wrongOrg = /does not belong to organization|invalid X-Organization-Id/i.test(text);
    super(
      missingTenant
        ? "LangSmith needs a workspace (X-Tenant-Id) for this call"
        : permission
          ? `LangSmith refused the call: the API key lacks the permission ${permission}`
          : wrongOrg
            ? "LangSmith refused the call: the API key does not belong to the organization given as --organization-id"
            : "LangSmith refused the call: the key lacks a permission or the organization id does not match the key",
      d,
    );
    this.missingTenantHeader = missingTenant;
    this.missingPermission = permission;
    this.wrongOrganization = wrongOrg;
  }
}

export class NotFoundError extends LangSmithError {
  readonly transient = false;
  constructor(d: ErrorDetails) {
    super("LangSmith has no such object", d);
  }
}

export class ConflictError extends LangSmithError {
  readonly transient = false;
  constructor(d: ErrorDetails) {
    super("LangSmith reported a conflict", d);
  }
}

export class ValidationError extends LangSmithError {
  readonly transient = false;
  constructor(d: ErrorDetails) {
    super("LangSmith rejected the request as invalid", d);
  }
}

export class BadRequestError extends LangSmithError {
  readonly transient = false;
  constructor(d: ErrorDetails) {
    super("LangSmith rejected the request", d);
  }
}

export class RateLimitedError extends LangSmithError {
  readonly transient = true;
  readonly retryAfterMs?: number;
  constructor(d: ErrorDetails) {
    super("LangSmith rate limit hit and retries ran out (lower --requests-per-second or try later)", d);
    this.retryAfterMs = d.retryAfterMs;
  }
}

export class ServerError extends LangSmithError {
  readonly transient = true;
  constructor(d: ErrorDetails) {
    super("LangSmith had a server error and retries ran out", d);
  }
}

export class NetworkError extends LangSmithError {
  readonly transient = true;
  constructor(d: ErrorDetails) {
    super(`Could not reach LangSmith (${describeCause(d.cause)}; check --base-url and the network)`, d);
  }
}

export class TimeoutError extends LangSmithError {
  readonly transient = true;
  constructor(d: ErrorDetails & { timeoutMs: number }) {
    super(`LangSmith did not answer within ${Math.round(d.timeoutMs / 1000)} s (raise --http-timeout-seconds if it is slow)`, d);
  }
}

/** The server answered something that is not the JSON LangSmith sends: wrong base URL, proxy page, or a new API shape. */
export class UnexpectedResponseError extends LangSmithError {
  readonly transient = false;
  constructor(summary: string, d: ErrorDetails) {
    super(summary, d);
  }
}

/** A paginated listing repeated itself instead of advancing; continuing would spin or double-count. */
export class PaginationLoopError extends LangSmithError {
  readonly transient = false;
  constructor(d: ErrorDetails & { offset: number }) {
    super(`LangSmith served a page at offset ${d.offset} that repeats rows already seen (pagination loop); refusing to continue`, d);
  }
}

export function formatDetail(detail: unknown): string {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    // FastAPI validation errors: [{loc: ["query","limit"], msg: "..."}]
    return detail
      .map((e) => (e && typeof e === "object" && "msg" in e ? `${(e as { loc?: unknown[] }).loc?.join(".") ?? ""} ${(e as { msg: string }).msg}`.trim() : JSON.stringify(e)))
      .join("; ");
  }
  if (detail && typeof detail === "object") {
    const o = detail as Record<string, unknown>;
    if (typeof o.message === "string" && typeof o.error === "string") return `${o.error}: ${o.message}`;
    if (typeof o.error === "string") return o.error;
    if (typeof o.message === "string") return o.message;
  }
  return JSON.stringify(detail);
}

function describeCause(cause: unknown): string {
  const err = cause as { code?: string; cause?: { code?: string }; message?: string } | undefined;
  const code = err?.code ?? err?.cause?.code;
  if (code) return code;
  return err?.message ? redact(err.message) : "connection failed";
}

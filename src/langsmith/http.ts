import type { z } from "zod";
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  type ErrorDetails,
  type LangSmithError,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitedError,
  type RequestInfo,
  ServerError,
  TimeoutError,
  UnexpectedResponseError,
  ValidationError,
} from "./errors.js";
import { RequestLimiter, sleep } from "./limiter.js";
import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_TIMEOUT_MS } from "./defaults.js";
import { type Logger, silentLogger } from "./log.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, backoffDelay, parseRetryAfter } from "./retry.js";
import { registerSecret } from "./secrets.js";
import { type Transport, TransportFailure, type TransportResponse, fetchTransport } from "./transport.js";

export type Method = "GET" | "POST" | "PATCH" | "DELETE";
export type QueryValue = string | number | boolean | string[] | undefined;

export interface CallSpec<S extends z.ZodType> {
  method: Method;
  path: string;
  query?: Record<string, QueryValue>;
  /** Workspace id sent as X-Tenant-Id (workspace-scoped routes). */
  tenantId?: string;
  body?: unknown;
  schema: S;
  /** Cancels the call: the request in flight, a wait for the limiter and a back-off all stop at once. */
  signal?: AbortSignal;
}

export interface CallResult<T> {
  data: T;
  headers: Record<string, string>;
}

export interface HttpOptions {
  apiKey: string;
  organizationId: string;
  /** Normalised base (see normalizeBaseUrl). */
  baseUrl: string;
  timeoutMs: number;
  transport: Transport;
  logger: Logger;
  limiter: RequestLimiter;
  retry: RetryPolicy;
  userAgent: string;
  random: () => number;
}

export interface HttpStats {
  requests: number;
  retries: number;
  rateLimited: number;
}

/** Executes one API call: headers, limiter, retries, error mapping, response validation. */
export class HttpExecutor {
  private readonly stats_: HttpStats = { requests: 0, retries: 0, rateLimited: 0 };

  constructor(private readonly o: HttpOptions) {
    registerSecret(o.apiKey);
  }

  static defaults(partial: Partial<HttpOptions> & Pick<HttpOptions, "apiKey" | "organizationId" | "baseUrl">): HttpOptions {
    return {
      timeoutMs: DEFAULT_TIMEOUT_MS,
      transport: fetchTransport,
      logger: silentLogger,
      limiter: new RequestLimiter({ requestsPerSecond: Infinity, maxInFlight: DEFAULT_MAX_IN_FLIGHT }),
      retry: DEFAULT_RETRY_POLICY,
      userAgent: "baton-langsmith",
      random: Math.random,
      ...partial,
    };
  }

  stats(): HttpStats {
    return { ...this.stats_ };
  }

  async call<S extends z.ZodType>(spec: CallSpec<S>): Promise<CallResult<z.infer<S>>> {
    const path = spec.path + queryString(spec.query);
    const info: RequestInfo = { method: spec.method, path, tenantId: spec.tenantId };
    // Only reads are retried on server and network errors; a write that failed that way may have happened,
    // so the caller re-reads state before trying again. A 429 is retried for every method: the server refused it.
    const idempotent = spec.method === "GET";
    const { retry, logger } = this.o;
    for (let attempt = 1; ; attempt++) {
      spec.signal?.throwIfAborted();
      const started = Date.now();
      let sentAt = started;
      let res: TransportResponse;
      try {
        this.stats_.requests++;
        res = await this.o.limiter.run(() => {
          sentAt = Date.now();
          return this.o.transport(this.buildRequest(spec, path));
        }, spec.signal);
      } catch (err) {
        if (!(err instanceof TransportFailure)) throw err;
        const details = { ...info, attempts: attempt, cause: err };
        const error = err.timedOut ? new TimeoutError({ ...details, timeoutMs: this.o.timeoutMs }) : new NetworkError(details);
        if (idempotent && attempt < retry.maxAttempts) {
          await this.backoff(info, attempt, backoffDelay(attempt, retry, this.o.random), err.timedOut ? "timeout" : "network error", spec.signal);
          continue;
        }
        throw error;
      }
      logger.debug("langsmith request", { method: spec.method, path, tenant: spec.tenantId, status: res.status, ms: Date.now() - started, attempt });
      if (res.status >= 200 && res.status < 300) return { data: this.parse(spec, res, info), headers: res.headers };

      const retryAfterMs = parseRetryAfter(res.headers, retry);
      if (res.status === 429) {
        this.stats_.rateLimited++;
        this.o.limiter.onRateLimited(retryAfterMs, sentAt);
      }
      const retriable = res.status === 429 || (idempotent && (res.status >= 500 && res.status !== 501));
      if (retriable && attempt < retry.maxAttempts) {
        await this.backoff(info, attempt, retryAfterMs ?? backoffDelay(attempt, retry, this.o.random), `status ${res.status}`, spec.signal);
        continue;
      }
      throw errorForStatus(res.status, { ...info, detail: errorDetail(res), attempts: attempt, retryAfterMs });
    }
  }

  private async backoff(info: RequestInfo, attempt: number, waitMs: number, reason: string, signal?: AbortSignal): Promise<void> {
    this.stats_.retries++;
    this.o.logger.warn("retrying LangSmith request", { method: info.method, path: info.path, tenant: info.tenantId, reason, attempt, waitMs });
    await sleep(waitMs, signal);
  }

  private buildRequest(spec: CallSpec<z.ZodType>, path: string) {
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": this.o.userAgent,
      "x-api-key": this.o.apiKey,
      "x-organization-id": this.o.organizationId,
    };
    if (spec.tenantId) headers["x-tenant-id"] = spec.tenantId;
    let body: string | undefined;
    if (spec.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(spec.body);
    }
    return { method: spec.method, url: this.o.baseUrl + path, headers, body, timeoutMs: this.o.timeoutMs, signal: spec.signal };
  }

  private parse<S extends z.ZodType>(spec: CallSpec<S>, res: TransportResponse, info: RequestInfo): z.infer<S> {
    const text = res.body.trim();
    let json: unknown = {};
    if (text) {
      if (looksLikeHtml(res)) {
        throw new UnexpectedResponseError(
          "LangSmith answered with an HTML page instead of JSON: --base-url points at a web page, not the API (self-hosted: use https://<host> or https://<host>/api)",
          { ...info, status: res.status },
        );
      }
      try {
        json = JSON.parse(text);
      } catch {
        throw new UnexpectedResponseError("LangSmith answered with a body that is not JSON", { ...info, status: res.status });
      }
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.length ? issue.path.join(".") : "(body)";
      throw new UnexpectedResponseError(`LangSmith answered with a shape this connector does not understand (field ${field}: ${issue.message})`, {
        ...info,
        status: res.status,
      });
    }
    return parsed.data;
  }
}

function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, item); // LangSmith wants repeated keys
    else params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

function looksLikeHtml(res: TransportResponse): boolean {
  return (res.headers["content-type"] ?? "").includes("text/html") || /^<(!doctype|html)/i.test(res.body.trimStart());
}

function errorDetail(res: TransportResponse): unknown {
  const text = res.body.trim();
  if (!text) return undefined;
  if (looksLikeHtml(res)) return `non-JSON ${res.headers["content-type"] ?? "text"} body (a proxy or web page answered, not the LangSmith API)`;
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    if (json && typeof json === "object" && "detail" in json) return json.detail;
    return json;
  } catch {
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  }
}

export function errorForStatus(status: number, d: ErrorDetails): LangSmithError {
  const details = { ...d, status };
  if (status === 401) return new AuthenticationError(details);
  if (status === 403) return new PermissionError(details);
  if (status === 404) return new NotFoundError(details);
  if (status === 409) return new ConflictError(details);
  if (status === 422) return new ValidationError(details);
  if (status === 429) return new RateLimitedError(details);
  if (status >= 500) return new ServerError(details);
  return new BadRequestError(details);
}

/**
 * The node:http server: request log → latency → SPA fallback → rate limit →
 * persistent failures → random faults → routing → auth → handler.
 */
import http from "node:http";
import { authenticate, type KeyEntry } from "./auth.js";
import type { FaultInjector, RateLimiter } from "./faults.js";
import { ApiError, parseQuery } from "./http-util.js";
import { redactHeaders, type RequestLogEntry } from "./request-log.js";
import { isApiPath, isPlatformPath, matchRoute } from "./routes/index.js";
import type { RouteFamily, RouteSettings } from "./routes/types.js";

export interface FailRule {
  method?: string;
  path: string | RegExp;
  tenantId?: string;
  status: number;
  body?: unknown;
}

/** Holds the first request that matches until released or until the client goes away (tests of cancellation). */
export interface HoldRule {
  method?: string;
  path: string | RegExp;
  /** Called when the request arrives; the handler then waits for `released` or the client closing. */
  onArrived(entry: RequestLogEntry, clientClosed: Promise<void>): void;
  released: Promise<void>;
}

export interface ServerConfig {
  holds: HoldRule[];
  keys: Map<string, KeyEntry>;
  settings: RouteSettings;
  latencyMs: number;
  faults: FaultInjector | null;
  failAlways: FailRule[];
  rateLimiter: RateLimiter | null;
  log: RequestLogEntry[];
}

const SPA_HTML =
  "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>LangSmith</title>" +
  "<script type=\"module\" src=\"/assets/index.js\"></script></head><body><div id=\"root\"></div></body></html>\n";

const STATUS_TEXT: Record<number, string> = { 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable" };

function errorBody(family: RouteFamily, err: ApiError): unknown {
  if (family === "platform") {
    const message = typeof err.detail === "string" ? err.detail.replace(/^Forbidden: /, "") : JSON.stringify(err.detail);
    return { error: err.code, message };
  }
  return { detail: err.detail };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export class SimServer {
  readonly http: http.Server;
  private closed = false;
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  constructor(readonly config: ServerConfig) {
    this.http = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ detail: "Internal Server Error" }));
        }
        process.stderr.write(`simulator: unhandled error: ${err instanceof Error ? err.stack : String(err)}\n`);
      });
    });
    this.http.keepAliveTimeout = 5000;
  }

  listen(port: number, host: string): Promise<{ port: number }> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(port, host, () => {
        const addr = this.http.address();
        resolve({ port: typeof addr === "object" && addr ? addr.port : port });
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.sleeps) {
      clearTimeout(s.timer);
      s.resolve();
    }
    this.sleeps.clear();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.sleeps.add(entry);
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const cfg = this.config;
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://simulator.local");
    const path = url.pathname;
    const query = parseQuery(url.searchParams);
    const entry: RequestLogEntry = { at: Date.now(), endedAt: 0, method, path, query, headers: redactHeaders(req.headers), status: 0 };
    cfg.log.push(entry);

    const raw = await readBody(req);
    let body: unknown = undefined;
    let bodyError: string | null = null;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch (e) {
        bodyError = e instanceof Error ? e.message : String(e);
        body = raw;
      }
      entry.body = body;
    }

    const send = (status: number, payload: unknown, family: RouteFamily | "html", headers: Record<string, string> = {}): void => {
      entry.status = status;
      entry.endedAt = Date.now();
      if (res.destroyed) return;
      let text: string;
      let type: string;
      if (family === "html" || typeof payload === "string") {
        text = typeof payload === "string" ? payload : String(payload);
        type = "text/html; charset=utf-8";
      } else {
        text = JSON.stringify(payload) + (family === "platform" ? "\n" : "");
        type = family === "platform" ? "application/json; charset=utf-8" : "application/json";
      }
      res.writeHead(status, { "content-type": type, "content-length": String(Buffer.byteLength(text)), ...headers });
      res.end(text);
    };
    const sendError = (family: RouteFamily, err: ApiError): void => send(err.status, errorBody(family, err), family, err.headers);

    const holdIndex = cfg.holds.findIndex((h) => (!h.method || h.method.toUpperCase() === method) && (typeof h.path === "string" ? h.path === path : h.path.test(path)));
    if (holdIndex >= 0) {
      const [hold] = cfg.holds.splice(holdIndex, 1);
      const clientClosed = new Promise<void>((resolve) =>
        res.once("close", () => {
          if (!res.writableFinished) {
            entry.clientClosed = true;
            entry.endedAt = Date.now();
          }
          resolve();
        }),
      );
      hold!.onArrived(entry, clientClosed);
      await Promise.race([hold!.released, clientClosed]);
      if (entry.clientClosed || this.closed) return;
    }

    if (cfg.latencyMs > 0) await this.sleep(cfg.latencyMs);
    if (this.closed) return;

    if (!isApiPath(path)) {
      entry.route = `${method} (html)`;
      send(200, SPA_HTML, "html");
      return;
    }
    const family: RouteFamily = isPlatformPath(path) ? "platform" : "api";
    const match = matchRoute(method, path);
    entry.route = match.kind === "route" ? `${method} ${match.route.template}` : `${method} (unmatched)`;

    // Server-side rate limit.
    if (cfg.rateLimiter) {
      const retryAfter = cfg.rateLimiter.check(Date.now());
      if (retryAfter !== null) {
        entry.fault = "rate-limit";
        sendError(family, new ApiError(429, "Too many requests", "rate_limited", { "Retry-After": String(retryAfter) }));
        return;
      }
    }

    // Persistent failures.
    const tenantHeader = req.headers["x-tenant-id"];
    const tenant = (Array.isArray(tenantHeader) ? tenantHeader[0] : tenantHeader)?.trim().toLowerCase();
    const rule = cfg.failAlways.find(
      (r) =>
        (!r.method || r.method.toUpperCase() === method) &&
        (typeof r.path === "string" ? r.path === path : r.path.test(path)) &&
        (!r.tenantId || r.tenantId.toLowerCase() === tenant),
    );
    if (rule) {
      entry.fault = "fail-always";
      const headers: Record<string, string> = rule.status === 429 ? { "Retry-After": "1" } : {};
      if (rule.body !== undefined) send(rule.status, rule.body, family, headers);
      else sendError(family, new ApiError(rule.status, STATUS_TEXT[rule.status] ?? `Injected failure (${rule.status})`, undefined, headers));
      return;
    }

    // Random faults.
    const fault = cfg.faults?.draw(method) ?? null;
    if (fault) {
      entry.fault = fault;
      switch (fault) {
        case "drop":
          entry.endedAt = Date.now();
          req.socket.destroy();
          return;
        case "slow":
          await this.sleep(cfg.faults!.slowMs);
          if (this.closed) return;
          break;
        case "429":
          sendError(family, new ApiError(429, "Too many requests", "rate_limited", { "Retry-After": String(cfg.faults!.retryAfterSeconds) }));
          return;
        case "502":
          send(502, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n", "html");
          return;
        default:
          sendError(family, new ApiError(Number(fault), STATUS_TEXT[Number(fault)]!));
          return;
      }
    }

    if (match.kind === "route" && match.route.available && !match.route.available(cfg.settings)) {
      sendError(family, new ApiError(404, "404 page not found"));
      return;
    }
    if (match.kind === "none") {
      if (path.length > 1 && path.endsWith("/") && matchRoute(method, path.slice(0, -1)).kind === "route") {
        send(307, "", "html", { location: path.slice(0, -1) + url.search });
        return;
      }
      sendError(family, new ApiError(404, family === "platform" ? "404 page not found" : "Not Found"));
      return;
    }
    if (match.kind === "method-not-allowed") {
      sendError(family, new ApiError(405, "Method Not Allowed"));
      return;
    }

    try {
      const caller = authenticate(req.headers, cfg.keys);
      const result = match.route.handler({
        caller,
        headers: req.headers,
        query,
        params: match.params,
        body,
        bodyPresent: raw.length > 0,
        bodyError,
        settings: cfg.settings,
      });
      send(result.status ?? 200, result.body, family, result.headers);
    } catch (err) {
      if (err instanceof ApiError) sendError(family, err);
      else {
        process.stderr.write(`simulator: ${method} ${path} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
        sendError(family, new ApiError(500, "Internal Server Error"));
      }
    }
  }
}

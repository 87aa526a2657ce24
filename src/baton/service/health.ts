// The daemon's HTTP health endpoints (/live, /ready, /health) for container probes, and the client the
// `health-check` subcommand uses to query them (a container image need not ship curl).
import { type Server, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface HealthServerOptions {
  bindAddress: string;
  port: number;
  /** The connector's cheap credential check; /health answers 503 when it throws. */
  validate: (signal: AbortSignal) => Promise<void>;
  /** Turns a validation failure into a message safe to show (no secrets). */
  describe: (err: unknown) => string;
}

export const HEALTH_VALIDATE_TIMEOUT_MS = 30_000;
export const HEALTH_ENDPOINTS = ["health", "ready", "live"] as const;
export type HealthEndpoint = (typeof HEALTH_ENDPOINTS)[number];

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ ...body, timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z") }));
    };
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/live") return reply(200, { status: "alive" });
    if (path === "/ready") return reply(200, { status: "ready" });
    if (path === "/health") {
      opts.validate(AbortSignal.timeout(HEALTH_VALIDATE_TIMEOUT_MS)).then(
        () => reply(200, { status: "healthy" }),
        (err: unknown) => reply(503, { status: "unhealthy", details: { error: "connector validation failed", validation_error: opts.describe(err) } }),
      );
      return;
    }
    reply(404, { status: "not_found", details: { error: "use /live, /ready or /health" } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.bindAddress, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** GETs one health endpoint; resolves with the HTTP status and body, rejects if nothing answers in time. */
export function queryHealth(opts: { host: string; port: number; endpoint: HealthEndpoint; timeoutMs: number }): Promise<{ status: number; body: string }> {
  // A server bound to every address is reached on loopback.
  const host = opts.host === "0.0.0.0" || opts.host === "::" || opts.host === "" ? "127.0.0.1" : opts.host;
  return new Promise((resolve, reject) => {
    const req = request({ host, port: opts.port, path: `/${opts.endpoint}`, method: "GET", timeout: opts.timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${opts.timeoutMs / 1000} s`)));
    req.on("error", reject);
    req.end();
  });
}

// Service mode: with a client id the CLI becomes the daemon ConductorOne drives. It says hello, serves
// health checks if asked, runs tasks until SIGINT/SIGTERM, then lets running tasks report and exits 0.
import { Code, ConnectError } from "@connectrpc/connect";
import { existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { realClock } from "../common/clock.js";
import {
  CredentialsError,
  type HealthServer,
  ProxyConfigError,
  ServiceDaemon,
  TokenSource,
  createServiceClient,
  parseClientId,
  parseClientSecret,
  proxyFromEnv,
  resolveHostId,
  serviceEndpoints,
  startHealthServer,
} from "../baton/service/index.js";
import { registerSecret } from "../langsmith/index.js";
import { createClient, warnAboutKeyKind } from "./client-factory.js";
import { type ConnectorConfig, UsageError, numberField } from "./config.js";
import type { CliLogger } from "./logger.js";
import { LangSmithServiceConnector, toStatus } from "./service-connector.js";
import { ServiceStartError } from "./service-start-error.js";
import { VERSION } from "./version.js";

export interface ServiceConfig {
  clientId: string;
  clientSecret: string;
  taskConcurrency: number;
  skipFullSync: boolean;
  tempDir: string;
  healthCheck: boolean;
  healthCheckPort: number;
  healthCheckBindAddress: string;
}


/** Checks the service settings (no network): a bad client id or secret is a usage error. */
export function serviceConfig(raw: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const clientId = String(raw.clientId ?? "").trim();
  const clientSecret = String(raw.clientSecret ?? "").trim();
  registerSecret(clientSecret);
  registerSecret(clientSecret.split(":").pop()); // the key part alone (a base64url JWK)
  if (clientSecret === "") throw new UsageError("client-secret is required in service mode: pass --client-secret or set BATON_CLIENT_SECRET");
  const tempDir = resolve(String(raw.c1zTempDir ?? "") || env.BATON_TMPDIR || tmpdir());
  if (!existsSync(tempDir) || !statSync(tempDir).isDirectory()) throw new UsageError(`--c1z-temp-dir ${tempDir} is not an existing directory: create it or pass another`);
  return {
    clientId,
    clientSecret,
    taskConcurrency: numberField(raw, "task-concurrency"),
    skipFullSync: raw.skipFullSync === true,
    tempDir,
    healthCheck: raw.healthCheck === true,
    healthCheckPort: numberField(raw, "health-check-port"),
    healthCheckBindAddress: String(raw.healthCheckBindAddress ?? "127.0.0.1"),
  };
}

export async function serviceCommand(cfg: ConnectorConfig, svc: ServiceConfig, logger: CliLogger): Promise<void> {
  let clientId, secret;
  try {
    clientId = parseClientId(svc.clientId);
    secret = parseClientSecret(svc.clientSecret);
  } catch (err) {
    if (err instanceof CredentialsError) throw new UsageError(err.message);
    throw err;
  }
  let proxy;
  try {
    proxy = proxyFromEnv();
  } catch (err) {
    if (err instanceof ProxyConfigError) throw new UsageError(err.message);
    throw err;
  }
  warnAboutKeyKind(cfg, logger);
  const endpoints = serviceEndpoints(clientId, process.env.BATON_C1_API_HOST);
  const tokens = new TokenSource({
    clientId,
    secret,
    tokenUrl: endpoints.tokenUrl,
    clock: realClock,
    userAgent: `baton-c1-credential-provider baton-langsmith/${VERSION}`,
    timeoutMs: cfg.httpTimeoutSeconds * 1000,
    proxy,
    onToken: registerSecret,
  });
  const client = createServiceClient({ baseUrl: endpoints.grpcBaseUrl, tokens, userAgent: `${clientId.name} baton-langsmith/${VERSION} baton-sdk-ts`, proxy });
  const langsmith = createClient(cfg, logger);
  const connector = new LangSmithServiceConnector(cfg, langsmith, logger, svc.tempDir);
  const hostId = resolveHostId();
  const daemon = new ServiceDaemon({
    client,
    connector,
    hostId,
    buildInfo: { langVersion: process.version, package: "baton-langsmith", packageVersion: VERSION },
    taskConcurrency: svc.taskConcurrency,
    tempDir: svc.tempDir,
    provisioning: cfg.provisioning,
    skipFullSync: svc.skipFullSync,
    clock: realClock,
    logger,
  });
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info("stopping: running tasks are cancelled and reported", { signal });
    daemon.stop(`the connector was stopped (${signal})`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let health: HealthServer | undefined;
  try {
    logger.info("service mode starting", { hostId, grpc: endpoints.grpcBaseUrl, taskConcurrency: svc.taskConcurrency, provisioning: cfg.provisioning, tempDir: svc.tempDir });
    let started: boolean;
    try {
      started = await daemon.bootstrap();
    } catch (err) {
      const e = ConnectError.from(err);
      throw new ServiceStartError(`startup Hello failed: ${Code[e.code]}: ${e.rawMessage}${hintFor(e.code)}`, e.code);
    }
    if (!started) return;
    if (svc.healthCheck) {
      health = await startHealthServer({
        bindAddress: svc.healthCheckBindAddress,
        port: svc.healthCheckPort,
        validate: (signal) => connector.validate(signal),
        describe: (err) => toStatus(err).rawMessage,
      });
      logger.info("health check server listening", { address: svc.healthCheckBindAddress, port: health.port });
    }
    await daemon.run();
    logger.info("service mode stopped");
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    await health?.close();
  }
}

function hintFor(code: Code): string {
  if (code === Code.Unauthenticated) return " (check BATON_CLIENT_ID and BATON_CLIENT_SECRET: rotate the connector's credentials in ConductorOne if they were revoked)";
  if (code === Code.PermissionDenied) return " (the credentials are not allowed to run this connector in ConductorOne)";
  return "";
}


import { LangSmithClient } from "../langsmith/index.js";
import type { ConnectorConfig } from "./config.js";
import type { CliLogger } from "./logger.js";
import { VERSION } from "./version.js";

export function createClient(cfg: ConnectorConfig, logger: CliLogger): LangSmithClient {
  return new LangSmithClient({
    apiKey: cfg.apiKey,
    organizationId: cfg.organizationId,
    baseUrl: cfg.baseUrl,
    timeoutMs: cfg.httpTimeoutSeconds * 1000,
    requestsPerSecond: cfg.requestsPerSecond,
    maxInFlight: cfg.maxInFlight,
    logger,
    userAgent: `baton-langsmith/${VERSION}`,
  });
}

export function warnAboutKeyKind(cfg: ConnectorConfig, logger: CliLogger): void {
  if (cfg.keyKind === "personal-access-token") {
    logger.warn(
      "using a personal access token (lsv2_pt_…): it carries one person's permissions and stops working when they leave; prefer an organization-scoped service key (lsv2_sk_…)",
    );
  }
}

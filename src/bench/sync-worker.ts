// Child process of the sync benchmark: one sync, exactly as the CLI runs it, then a JSON line of figures.
import { syncCommand } from "../cli/sync-command.js";
import { createLogger } from "../cli/logger.js";
import type { ConnectorConfig } from "../cli/config.js";

const [url, orgId, file, rps, inFlight, source] = process.argv.slice(2);
const cfg: ConnectorConfig = {
  apiKey: process.env.BATON_API_KEY!,
  keyKind: "service-key",
  organizationId: orgId!,
  baseUrl: url!,
  requestsPerSecond: Number(rps),
  maxInFlight: Number(inFlight),
  membershipSource: source as ConnectorConfig["membershipSource"],
  httpTimeoutSeconds: 300,
  file: file!,
  provisioning: false,
  grantPrincipalType: "user",
  orgRoleProvisioning: false,
  keyExpiringWithinDays: 30,
  keyUnusedForDays: 90,
  sync: { resourceTypeIds: [], skipEntitlementsAndGrants: false, skipGrants: false },
  logLevel: "error",
  logFormat: "json",
};
const summary = await syncCommand(cfg, createLogger("error", "json"), false);
process.stdout.write(
  `${JSON.stringify({ seconds: summary.seconds, requests: summary.requests, retries: summary.retries, bytes: summary.bytes, grants: summary.counts.grants, expandedGrants: summary.expandedGrants, resources: summary.counts.resources, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
);

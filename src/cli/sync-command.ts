import { type SyncSummary, runFullSync } from "../connector/full-sync.js";
import { registryFor } from "../connector/registry.js";
import { FINDINGS, FINDING_LABELS } from "../connector/secrets/findings.js";
import type { SecretsSummary } from "../connector/secrets/inventory.js";
import { createClient, warnAboutKeyKind } from "./client-factory.js";
import { type ConnectorConfig, checkOutputFile } from "./config.js";
import type { CliLogger } from "./logger.js";
import { createHeapBudget } from "./heap-budget.js";
import { ProgressLine } from "./progress.js";

export type { SyncSummary } from "../connector/full-sync.js";

/**
 * A full sync into --file, as a process: SIGINT/SIGTERM cancel the sync (nothing is published, the
 * previous file stays as it was, no temporary file is left) and end the process with 130/143.
 */
export async function syncCommand(cfg: ConnectorConfig, logger: CliLogger, showProgress: boolean): Promise<SyncSummary> {
  // Handlers go in first: the --file check already creates (and removes) a probe file beside the target.
  const controller = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted ??= signal;
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let progress: ProgressLine | undefined;
  // The engine reports a phase's end twice (its last call settling, then the phase itself): log it once.
  let lastPhaseLogged: string | undefined;
  try {
    await checkOutputFile(cfg.file);
    warnAboutKeyKind(cfg, logger);
    const client = createClient(cfg, logger);
    progress = showProgress ? new ProgressLine(process.stderr, () => client.stats().requests) : undefined;
    const keepHeapInBudget = createHeapBudget();
    logger.info("sync started", { file: cfg.file, baseUrl: cfg.baseUrl, organizationId: cfg.organizationId });
    const summary = await runFullSync(
      {
        client,
        file: cfg.file,
        logger,
        membershipSource: cfg.membershipSource,
        registry: registryFor(cfg),
        secretReview: { now: cfg.now, expiringWithinDays: cfg.keyExpiringWithinDays, unusedForDays: cfg.keyUnusedForDays },
        concurrency: Math.max(cfg.maxInFlight, 4),
        ...cfg.sync,
        onProgress: (p) => {
          keepHeapInBudget();
          progress?.update(p);
          if (p.phase !== "resource-types" && p.callsPending === 0 && p.phase !== lastPhaseLogged) {
            lastPhaseLogged = p.phase;
            logger.debug("sync phase finished", { phase: p.phase, ...p.counts });
          }
        },
      },
      controller.signal,
    );
    progress?.end();
    return summary;
  } catch (err) {
    progress?.end();
    if (interrupted) {
      process.stderr.write(`baton-langsmith: interrupted by ${interrupted}; ${cfg.file} was left as it was\n`);
      process.exit(interrupted === "SIGINT" ? 130 : 143);
    }
    throw err;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}

export function formatSyncSummary(s: SyncSummary): string {
  const c = s.counts;
  const by = (t: string) => c.resourcesByType[t] ?? 0;
  const excluded = s.excludedWorkspaces.personal + s.excludedWorkspaces.deleted;
  const lines = [
    `Synced LangSmith into ${s.file} (${formatBytes(s.bytes)}) in ${s.seconds.toFixed(1)} s`,
    `  users            ${by("user")}`,
    `  workspaces       ${by("workspace")}${excluded ? `  (${s.excludedWorkspaces.personal} personal, ${s.excludedWorkspaces.deleted} deleted left out)` : ""}`,
    `  org roles        ${by("org_role")}`,
    `  workspace roles  ${by("workspace_role")}`,
    `  invitations      ${by("invitation")}  (pending; each holds the roles it brings when accepted)`,
    `  entitlements     ${c.entitlements}`,
    `  grants           ${c.grants}  (${Object.entries(c.grantsByType).map(([t, n]) => `${t} ${n}`).join(", ") || "none"})`,
    ...(s.secrets ? formatSecrets(s.secrets, by) : []),
    `  expanded grants  ${s.expandedGrants}  (implicit access added by grant expansion, e.g. Organization Admins' Admin in every workspace)`,
    `  requests         ${s.requests}  (${s.retries} retried, ${s.rateLimited} rate-limited; memberships from ${s.membershipSource})`,
  ];
  return lines.join("\n");
}

function formatSecrets(k: SecretsSummary, by: (t: string) => number): string[] {
  const lines = [
    `  service keys     ${by("service_key")}${k.workspaceNamesUnmatched || k.workspaceNamesAmbiguous ? `  (${k.workspaceNamesUnmatched} workspace name(s) matched no workspace, ${k.workspaceNamesAmbiguous} matched several: no grant)` : ""}`,
    k.personalAccessTokens === null
      ? `  PATs             not visible: ${k.patsNotVisible ?? "the org-wide listing did not answer"}`
      : `  PATs             ${by("personal_access_token")}`,
    `  service accounts ${k.serviceAccounts === null ? "not listed by this LangSmith" : by("service_account")}`,
  ];
  const found = FINDINGS.filter((f) => k.findings[f] > 0).map((f) => `${FINDING_LABELS[f]} ${k.findings[f]}`);
  lines.push(`  key findings     ${found.length ? found.join(", ") : "none"}  (at ${k.now}; expiring = within ${k.expiringWithinDays} d, unused = over ${k.unusedForDays} d)`);
  return lines;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

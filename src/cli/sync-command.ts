import { C1zWriter } from "../baton/c1z/writer.js";
import { runSync } from "../baton/sync/engine.js";
import type { SyncCounts } from "../baton/sync/types.js";
import { createSyncPlan } from "../connector/registry.js";
import { createClient, warnAboutKeyKind } from "./client-factory.js";
import { type ConnectorConfig, checkOutputFile } from "./config.js";
import type { CliLogger } from "./logger.js";
import { createHeapBudget } from "./heap-budget.js";
import { ProgressLine } from "./progress.js";

export interface SyncSummary {
  file: string;
  bytes: number;
  syncId: string;
  counts: SyncCounts;
  requests: number;
  retries: number;
  rateLimited: number;
  membershipSource: string;
  excludedWorkspaces: { personal: number; deleted: number };
  seconds: number;
}

/**
 * A full sync into --file. The file is replaced only when everything was read; on any failure, or
 * if the process is interrupted, the previous file stays as it was and no temporary file is left.
 */
export async function syncCommand(cfg: ConnectorConfig, logger: CliLogger, showProgress: boolean): Promise<SyncSummary> {
  checkOutputFile(cfg.file);
  warnAboutKeyKind(cfg, logger);
  const client = createClient(cfg, logger);
  const started = Date.now();
  // Handlers go in before the writer exists: a signal while it is being created is honoured once it is.
  let writer: C1zWriter | undefined;
  let interrupted: NodeJS.Signals | undefined;
  const stop = (w: C1zWriter, signal: NodeJS.Signals) => {
    void w.abort().finally(() => {
      process.stderr.write(`baton-langsmith: interrupted by ${signal}; ${cfg.file} was left as it was\n`);
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted ??= signal;
    if (writer) stop(writer, signal);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    writer = await C1zWriter.create(cfg.file);
  } catch (err) {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    throw err;
  }
  if (interrupted) {
    stop(writer, interrupted);
    return new Promise<never>(() => {}); // stop() exits the process
  }
  const progress = showProgress ? new ProgressLine(process.stderr, () => client.stats().requests) : undefined;
  try {
    logger.info("sync started", { file: cfg.file, baseUrl: cfg.baseUrl, organizationId: cfg.organizationId });
    const plan = createSyncPlan(client, { membershipSource: cfg.membershipSource, logger });
    const keepHeapInBudget = createHeapBudget();
    const counts = await runSync(plan.syncers, writer, {
      concurrency: Math.max(cfg.maxInFlight, 4),
      onProgress: (p) => {
        keepHeapInBudget();
        progress?.update(p);
        if (p.phase !== "resource-types" && p.callsPending === 0) logger.debug("sync phase finished", { phase: p.phase, ...p.counts });
      },
      onWarning: (msg, fields) => logger.warn(msg, fields),
    });
    progress?.end();
    const done = await writer.finish();
    const source = await plan.context.membershipSource();
    const catalog = await plan.context.catalog();
    const stats = client.stats();
    return {
      file: cfg.file,
      bytes: done.bytes,
      syncId: done.syncId,
      counts,
      requests: stats.requests,
      retries: stats.retries,
      rateLimited: stats.rateLimited,
      membershipSource: source.kind === "platform" ? "org-wide member listing" : "per-workspace member listings",
      excludedWorkspaces: catalog.excluded,
      seconds: (Date.now() - started) / 1000,
    };
  } catch (err) {
    progress?.end();
    await writer.abort();
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
    `  entitlements     ${c.entitlements}`,
    `  grants           ${c.grants}  (${Object.entries(c.grantsByType).map(([t, n]) => `${t} ${n}`).join(", ") || "none"})`,
    `  requests         ${s.requests}  (${s.retries} retried, ${s.rateLimited} rate-limited; memberships from ${s.membershipSource})`,
  ];
  return lines.join("\n");
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

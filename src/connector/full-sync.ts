// One full sync of LangSmith into a .c1z, owned by nobody's process: the one-shot CLI wraps it with signal
// handling and exit codes, a daemon can run several at once and cancel any of them.
import { C1zWriter, type C1zWriterOptions } from "../baton/c1z/writer.js";
import { runSync } from "../baton/sync/engine.js";
import type { SyncCounts, SyncProgress } from "../baton/sync/types.js";
import { type Clock, realClock } from "../common/clock.js";
import type { LangSmithClient, Logger } from "../langsmith/index.js";
import { RESOURCE_TYPE_REGISTRY, type ResourceTypeRegistry, createSyncPlan } from "./registry.js";
import type { FindingOptions } from "./secrets/findings.js";
import { type SecretsSummary, secretsSummary } from "./secrets/inventory.js";
import type { MembershipSourceOption } from "./sync-context.js";

export interface FullSyncOptions {
  client: LangSmithClient;
  /** Where the .c1z is published; replaced only when everything was read. */
  file: string;
  logger: Logger;
  membershipSource?: MembershipSourceOption;
  /** How many connector calls run at once (the client's limiter still governs requests). */
  concurrency: number;
  onProgress?: (p: SyncProgress) => void;
  registry?: ResourceTypeRegistry;
  /** Sync only these resource types (ids); empty or absent = every type. Unknown ids are refused. */
  resourceTypeIds?: string[];
  /** Resources only (the file's sync run is "resources_only"). */
  skipEntitlementsAndGrants?: boolean;
  /** Resources and entitlements, no grants (the file's sync run is "partial": it is not the whole picture). */
  skipGrants?: boolean;
  writer?: C1zWriterOptions;
  clock?: Clock;
  /** When API-key findings are computed, and their thresholds. */
  secretReview?: Partial<FindingOptions>;
}

export interface SyncSummary {
  file: string;
  bytes: number;
  syncId: string;
  counts: SyncCounts;
  /** Grants added by grant expansion when the file was written (e.g. Organization Admins' Admin in every workspace). */
  expandedGrants: number;
  /** Requests this sync made (the client may be shared; these are its own). */
  requests: number;
  retries: number;
  rateLimited: number;
  /** Times the client lowered its request rate after a burst of 429s (one per burst). */
  slowdowns: number;
  membershipSource: string;
  excludedWorkspaces: { personal: number; deleted: number };
  /** API keys, PAT visibility and findings; absent when no key type ran. */
  secrets?: SecretsSummary;
  seconds: number;
}

/**
 * Runs one full sync into `options.file`. When `signal` aborts, pending requests are aborted, the writer
 * discards its work and nothing is published; the promise then rejects with the signal's reason, once
 * every call of the sync has settled. Any other failure rejects likewise with the previous file untouched.
 */
export async function runFullSync(options: FullSyncOptions, signal: AbortSignal): Promise<SyncSummary> {
  const { client, logger } = options;
  const clock = options.clock ?? realClock;
  const started = clock.now();
  const before = client.stats();
  signal.throwIfAborted();
  const registry = selectTypes(options.registry ?? RESOURCE_TYPE_REGISTRY, options.resourceTypeIds);
  const syncType = options.skipEntitlementsAndGrants ? "resources_only" : options.skipGrants ? "partial" : "full";
  const writer = await C1zWriter.create(options.file, { ...options.writer, syncType });
  // Aborting the writer while it finishes keeps the target as it was; before that, the failing calls do it.
  const onAbort = () => void writer.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    signal.throwIfAborted();
    const plan = createSyncPlan(client, { membershipSource: options.membershipSource, logger, signal, registry, secretReview: options.secretReview });
    const counts = await runSync(plan.syncers, writer, {
      concurrency: options.concurrency,
      skipEntitlementsAndGrants: options.skipEntitlementsAndGrants,
      skipGrants: options.skipGrants,
      onProgress: options.onProgress,
      onWarning: (msg, fields) => logger.warn(msg, fields),
    });
    signal.throwIfAborted();
    const done = await writer.finish();
    const source = await plan.context.membershipSource();
    const catalog = await plan.context.catalog();
    const after = client.stats();
    const secrets = secretsSummary(plan.context);
    return {
      file: options.file,
      bytes: done.bytes,
      syncId: done.syncId,
      counts,
      expandedGrants: done.expansion.created,
      requests: after.requests - before.requests,
      retries: after.retries - before.retries,
      rateLimited: after.rateLimited - before.rateLimited,
      slowdowns: after.slowdowns - before.slowdowns,
      membershipSource: source.kind === "platform" ? "org-wide member listing" : "per-workspace member listings",
      excludedWorkspaces: catalog.excluded,
      ...(secrets && { secrets }),
      seconds: (clock.now() - started) / 1000,
    };
  } catch (err) {
    await writer.abort();
    if (signal.aborted) throw signal.reason;
    throw err;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** A resource type id the connector does not have. */
export class UnknownResourceTypeError extends Error {
  override name = "UnknownResourceTypeError";
}

/** The registry narrowed to `ids` (all of it when none are given). */
export function selectTypes(registry: ResourceTypeRegistry, ids: string[] | undefined): ResourceTypeRegistry {
  if (!ids || ids.length === 0) return registry;
  const known = new Set(registry.map((m) => m.resourceType.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) throw new UnknownResourceTypeError(`unknown resource type ${unknown.join(", ")}: this connector syncs ${[...known].sort().join(", ")}`);
  return registry.filter((m) => ids.includes(m.resourceType.id));
}

import {
  ChildResourceTypeSchema,
  type Grant,
  type Resource,
  type ResourceId,
  SkipEntitlementsAndGrantsSchema,
  SkipEntitlementsSchema,
  SkipGrantsSchema,
  getAnnotation,
  hasAnnotation,
} from "../model.js";
import { TaskPool } from "./task-pool.js";
import type { PageResult, ResourceSyncer, SyncCounts, SyncEngineOptions, SyncPhase, SyncSink } from "./types.js";

/** A connector call failed; the sync stops and nothing it wrote may be treated as complete. */
export class SyncError extends Error {
  override name = "SyncError";
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(`${step} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/**
 * Drives a full sync the way the Baton SDK does — resource types, then resources (children through
 * ChildResourceType), then entitlements, then grants — one page per call, with independent calls of a
 * phase running concurrently. Only resources that still need entitlement or grant calls are kept in memory.
 */
export async function runSync(syncers: ResourceSyncer[], sink: SyncSink, opts: SyncEngineOptions = {}): Promise<SyncCounts> {
  const engine = new SyncEngine(syncers, sink, opts);
  return engine.run();
}

class SyncEngine {
  private readonly byType = new Map<string, ResourceSyncer>();
  private readonly counts: SyncCounts = { resourceTypes: 0, resources: 0, entitlements: 0, grants: 0, resourcesByType: {}, grantsByType: {} };
  /** Resources awaiting entitlement/grant calls (types and resources marked Skip* are not kept). */
  private readonly needEntitlements: Resource[] = [];
  private readonly needGrants: Resource[] = [];
  private phase: SyncPhase = "resource-types";
  private pool!: TaskPool;

  constructor(
    syncers: ResourceSyncer[],
    private readonly sink: SyncSink,
    private readonly opts: SyncEngineOptions,
  ) {
    for (const s of syncers) {
      if (this.byType.has(s.resourceType.id)) throw new Error(`two syncers for resource type ${s.resourceType.id}`);
      this.byType.set(s.resourceType.id, s);
    }
  }

  async run(): Promise<SyncCounts> {
    const types = [...this.byType.values()].map((s) => s.resourceType);
    this.sink.putResourceTypes(types);
    this.counts.resourceTypes = types.length;
    this.progress();

    await this.runPhase("resources", () => {
      // Types that are somebody's child are listed per parent, not at the top level.
      const childTypes = new Set<string>();
      for (const s of this.byType.values()) for (const c of declaredChildTypes(s)) childTypes.add(c);
      for (const s of this.byType.values()) {
        if (!childTypes.has(s.resourceType.id)) this.listResources(s, undefined, "");
      }
    });
    await this.runPhase("entitlements", () => {
      for (const r of this.needEntitlements.splice(0)) this.listEntitlements(r, "");
    });
    await this.runPhase("grants", () => {
      for (const r of this.needGrants.splice(0)) this.listGrants(r, "");
    });
    this.phase = "done";
    this.progress();
    return this.counts;
  }

  private async runPhase(phase: SyncPhase, seed: () => void): Promise<void> {
    this.phase = phase;
    this.pool = new TaskPool(this.opts.concurrency ?? 16, () => this.progress());
    seed();
    await this.pool.drain();
    this.progress();
  }

  private listResources(s: ResourceSyncer, parent: ResourceId | undefined, token: string): void {
    const rt = s.resourceType.id;
    const step = `listing ${rt} resources${parent ? ` of ${parent.resourceType} ${parent.resource}` : ""}`;
    this.paged(step, token, (t) => s.list(parent, t), (page, next) => {
      this.sink.putResources(page.items);
      this.counts.resources += page.items.length;
      this.counts.resourcesByType[rt] = (this.counts.resourcesByType[rt] ?? 0) + page.items.length;
      if (page.grants?.length) this.storeGrants(page.grants);
      for (const r of page.items) this.afterResource(s, r);
      next();
    });
  }

  private afterResource(s: ResourceSyncer, r: Resource): void {
    for (const a of r.annotations) {
      const child = getAnnotationOf(a);
      if (!child) continue;
      const childSyncer = this.byType.get(child);
      if (childSyncer) this.listResources(childSyncer, r.id, "");
    }
    const typeAnn = s.resourceType.annotations;
    const skipAll = this.opts.skipEntitlementsAndGrants || hasAnnotation(typeAnn, SkipEntitlementsAndGrantsSchema) || hasAnnotation(r.annotations, SkipEntitlementsAndGrantsSchema);
    if (skipAll) return;
    if (!hasAnnotation(typeAnn, SkipEntitlementsSchema) && !hasAnnotation(r.annotations, SkipEntitlementsSchema)) this.needEntitlements.push(r);
    if (!this.opts.skipGrants && !hasAnnotation(typeAnn, SkipGrantsSchema) && !hasAnnotation(r.annotations, SkipGrantsSchema)) this.needGrants.push(r);
  }

  private listEntitlements(r: Resource, token: string): void {
    const s = this.syncerOf(r);
    this.paged(`listing entitlements of ${describe(r)}`, token, (t) => s.entitlements(r, t), (page, next) => {
      this.sink.putEntitlements(page.items);
      this.counts.entitlements += page.items.length;
      if (page.grants?.length) this.storeGrants(page.grants);
      next();
    });
  }

  private listGrants(r: Resource, token: string): void {
    const s = this.syncerOf(r);
    this.paged(`listing grants of ${describe(r)}`, token, (t) => s.grants(r, t), (page, next) => {
      this.storeGrants(page.items);
      if (page.grants?.length) this.storeGrants(page.grants);
      next();
    });
  }

  private storeGrants(grants: Grant[]): void {
    if (this.opts.skipEntitlementsAndGrants || this.opts.skipGrants) return;
    // Full syncs drop grants whose types are not synced, as the SDK does.
    const kept = grants.filter((g) => {
      const entType = g.entitlement?.resource?.id?.resourceType ?? "";
      const principalType = g.principal?.id?.resourceType ?? "";
      const ok = this.byType.has(entType) && this.byType.has(principalType);
      if (!ok) this.opts.onWarning?.("dropping grant of an unsynced resource type", { grant: g.id });
      return ok;
    });
    this.sink.putGrants(kept);
    this.counts.grants += kept.length;
    for (const g of kept) {
      const t = g.entitlement!.resource!.id!.resourceType;
      this.counts.grantsByType[t] = (this.counts.grantsByType[t] ?? 0) + 1;
    }
  }

  /**
   * Runs one page call, then schedules the next page (and any enqueued tokens). A listing that hands back
   * the token it was given, or a token it already handed out, would loop forever: that fails the sync.
   */
  private paged<T>(
    step: string,
    token: string,
    call: (token: string) => Promise<PageResult<T>>,
    onPage: (page: PageResult<T>, next: () => void) => void,
    seen: Set<string> = new Set([token]),
  ): void {
    this.pool.add(async () => {
      let page: PageResult<T>;
      try {
        page = await call(token);
      } catch (err) {
        throw err instanceof SyncError ? err : new SyncError(step, err);
      }
      onPage(page, () => {
        const tokens = [...(page.enqueuePageTokens ?? []), ...(page.nextPageToken ? [page.nextPageToken] : [])];
        for (const t of tokens) {
          if (seen.has(t)) throw new SyncError(step, new Error(`the connector returned page token "${t}" twice (pagination loop)`));
          seen.add(t);
        }
        for (const t of tokens) this.paged(step, t, call, onPage, seen);
      });
    });
  }

  private syncerOf(r: Resource): ResourceSyncer {
    const s = this.byType.get(r.id?.resourceType ?? "");
    if (!s) throw new Error(`no syncer for resource type ${r.id?.resourceType}`);
    return s;
  }

  private progress(): void {
    this.opts.onProgress?.({
      phase: this.phase,
      counts: this.counts,
      callsDone: this.pool?.done ?? 0,
      callsPending: this.pool?.pending ?? 0,
    });
  }
}

function declaredChildTypes(s: ResourceSyncer): string[] {
  return s.childResourceTypes ?? [];
}

function getAnnotationOf(a: Resource["annotations"][number]): string | undefined {
  const child = getAnnotation([a], ChildResourceTypeSchema);
  return child?.resourceTypeId || undefined;
}

function describe(r: Resource): string {
  return `${r.id?.resourceType} "${r.displayName}" (${r.id?.resource})`;
}


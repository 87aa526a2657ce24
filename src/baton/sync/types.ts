import type { Entitlement, Grant, Resource, ResourceId, ResourceType } from "../model.js";

/** One page of a listing, as the Baton connector protocol returns it. */
export interface PageResult<T> {
  items: T[];
  /** Opaque; empty or absent means the listing is done. */
  nextPageToken?: string;
  /** More page tokens that can be fetched concurrently (Baton's EnqueuePageTokens annotation). */
  enqueuePageTokens?: string[];
  /**
   * Grants the same API page revealed (e.g. a member row that carries the member's roles). The engine
   * stores them like grants from a grants call, so the connector need not page through that listing twice.
   */
  grants?: Grant[];
}

/** Baton's ResourceSyncer: the connector side of a sync, one resource type at a time. */
export interface ResourceSyncer {
  readonly resourceType: ResourceType;
  /**
   * Types this syncer's resources name in ChildResourceType annotations. Those types are listed once per
   * parent resource, never at the top level.
   */
  readonly childResourceTypes?: string[];
  list(parent: ResourceId | undefined, pageToken: string): Promise<PageResult<Resource>>;
  entitlements(resource: Resource, pageToken: string): Promise<PageResult<Entitlement>>;
  grants(resource: Resource, pageToken: string): Promise<PageResult<Grant>>;
}

/** Where synced objects go (a .c1z writer). Calls are synchronous and batched per page. */
export interface SyncSink {
  putResourceTypes(items: ResourceType[]): void;
  putResources(items: Resource[]): void;
  putEntitlements(items: Entitlement[]): void;
  putGrants(items: Grant[]): void;
}

export type SyncPhase = "resource-types" | "resources" | "entitlements" | "grants" | "done";

export interface SyncCounts {
  resourceTypes: number;
  resources: number;
  entitlements: number;
  grants: number;
  resourcesByType: Record<string, number>;
  grantsByType: Record<string, number>;
}

export interface SyncProgress {
  phase: SyncPhase;
  counts: SyncCounts;
  /** Calls finished and still to run in this phase. */
  callsDone: number;
  callsPending: number;
}

export interface SyncEngineOptions {
  /** How many connector calls run at once (the HTTP client's limiter still governs requests). */
  concurrency?: number;
  onProgress?: (p: SyncProgress) => void;
  onWarning?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Resources only: no entitlement or grant calls, and grants a listing reveals are dropped. */
  skipEntitlementsAndGrants?: boolean;
  /** Resources and entitlements: no grant calls, and grants a listing reveals are dropped. */
  skipGrants?: boolean;
}

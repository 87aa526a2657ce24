// What the service daemon needs from a connector. It knows nothing of any particular system: a connector
// implements this and the daemon turns ConductorOne's tasks into calls on it.
import type { Any } from "@bufbuild/protobuf/wkt";
import type { ConnectorMetadata } from "../gen/c1/connector/v2/connector_metadata_pb.js";
import type { Entitlement } from "../gen/c1/connector/v2/entitlement_pb.js";
import type { Grant } from "../gen/c1/connector/v2/grant_pb.js";
import type { Resource } from "../gen/c1/connector/v2/resource_pb.js";

/** How a sync_full task asks for the sync to be shaped. */
export interface SyncTaskOptions {
  /** Sync only these resources (a targeted, "partial" sync); empty = everything. */
  targetedResources: Resource[];
  /** Sync only these resource types; empty = all of them. */
  resourceTypeIds: string[];
  skipEntitlementsAndGrants: boolean;
  skipGrants: boolean;
  /** ConductorOne expands grants itself; a connector that does not expand grants can ignore this. */
  skipExpandGrants: boolean;
  /** --skip-full-sync: validate, then write a file holding one empty full sync run. */
  emptySync: boolean;
}

export interface ProvisioningResult {
  annotations: Any[];
  grants: Grant[];
}

/**
 * A connector as the daemon drives it. Every method honours `signal` (the task was cancelled, or the
 * process is shutting down). Failures should be thrown as `ConnectError`s whose code says what kind of
 * failure it is (PERMISSION_DENIED, UNAVAILABLE, FAILED_PRECONDITION…) and whose message is safe to send to
 * ConductorOne (no secrets); anything else is reported as UNKNOWN with its message.
 */
export interface ServiceConnector {
  metadata(): Promise<ConnectorMetadata>;
  /** A cheap check that the connector's credentials work; the health endpoint calls it. */
  validate(signal: AbortSignal): Promise<void>;
  /** Writes a complete .c1z at `outPath`, or throws and leaves no file there. */
  sync(options: SyncTaskOptions, outPath: string, signal: AbortSignal): Promise<void>;
  grant(entitlement: Entitlement, principal: Resource, signal: AbortSignal): Promise<ProvisioningResult>;
  revoke(grant: Grant, signal: AbortSignal): Promise<Pick<ProvisioningResult, "annotations">>;
}

export interface ServiceLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

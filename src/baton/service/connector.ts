// What the service daemon needs from a connector. It knows nothing of any particular system: a connector
// implements this and the daemon turns ConductorOne's tasks into calls on it.
import type { Any } from "@bufbuild/protobuf/wkt";
import type { ConnectorMetadata } from "../gen/c1/connector/v2/connector_metadata_pb.js";
import type { PlaintextData } from "../gen/c1/connector/v2/encryption_pb.js";
import type { Entitlement } from "../gen/c1/connector/v2/entitlement_pb.js";
import type { Grant } from "../gen/c1/connector/v2/grant_pb.js";
import type { Resource, ResourceId } from "../gen/c1/connector/v2/resource_pb.js";
import type { AccountInfo, CredentialOptions } from "../gen/c1/connector/v2/resource_actions_pb.js";

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

export interface AccountRequest {
  accountInfo: AccountInfo;
  credentialOptions?: CredentialOptions;
  /** The user-like type the account is of; empty = the connector's default. */
  resourceTypeId: string;
}

export interface AccountCreation {
  /** "success": the account exists now; "action_required": someone must act first (accept an invitation). */
  result:
    | { kind: "success"; resource?: Resource }
    | { kind: "action_required"; resource?: Resource; message: string }
    | { kind: "already_exists"; resource?: Resource }
    | { kind: "in_progress"; resource?: Resource };
  annotations: Any[];
  /** Secrets created with the account: the daemon encrypts them to the task's configs, and sends nothing else. */
  plaintexts: PlaintextData[];
}

export interface CredentialRotation {
  /** The new credential(s): the daemon sends them only encrypted to the task's configs, then zeroes them. */
  plaintexts: PlaintextData[];
  annotations: Any[];
  /**
   * Finishes the rotation (removes the old credential). The daemon runs it only once ConductorOne has
   * accepted the FinishTask carrying the encrypted secret; otherwise the old credential stays usable.
   */
  afterHandover?: () => Promise<Pick<ProvisioningResult, "annotations">>;
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
  createAccount(request: AccountRequest, signal: AbortSignal): Promise<AccountCreation>;
  deleteResource(resourceId: ResourceId, signal: AbortSignal): Promise<Pick<ProvisioningResult, "annotations">>;
  rotateCredentials(resourceId: ResourceId, credentialOptions: CredentialOptions | undefined, signal: AbortSignal): Promise<CredentialRotation>;
}

export interface ServiceLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

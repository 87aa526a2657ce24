// What a resource type is to this connector: its Baton type, its syncer and, where it has them, the
// capabilities it opts into by implementing them (modelled on the Baton SDK's connector builder, where a
// syncer that also implements ResourceProvisionerV2, AccountManager, ResourceDeleter or CredentialManager
// gains that capability). The registry builds the connector from these modules, and the `capabilities`
// output is derived from which of the optional parts a module carries — never listed by hand.
import type { Any, Entitlement, Grant, JsonValue, Resource, ResourceId, ResourceType } from "../baton/model.js";
import type { ResourceSyncer } from "../baton/sync/types.js";
import type { LangSmithClient, Logger } from "../langsmith/index.js";
import type { SyncContext } from "./sync-context.js";

/** What every capability call gets: the client, a logger and the signal that cancels the call (and its requests). */
export interface ActionContext {
  client: LangSmithClient;
  logger: Logger;
  signal: AbortSignal;
}

/** The request cannot be carried out by design (read-only entitlement, wrong principal type). Nothing was changed. */
export class ProvisioningRefusedError extends Error {
  override name = "ProvisioningRefusedError";
}

/** LangSmith's current state rules the change out (not an org member, workspace or role gone). Nothing was changed. */
export class ProvisioningPreconditionError extends Error {
  override name = "ProvisioningPreconditionError";
}

export interface ProvisioningOutcome {
  kind: "granted" | "already-exists" | "replaced" | "revoked" | "already-revoked";
  message: string;
  annotations: Any[];
  grants: Grant[];
}

/** The objects a revoke names, as the .c1z holds them (fuller than the grant's own references), for clearer messages. */
export interface RevokeContext {
  entitlement?: Entitlement;
  principal?: Resource;
}

/** Grant and revoke of this type's entitlements (Baton's ResourceProvisionerV2). */
export interface ResourceProvisioner {
  grant(ctx: ActionContext, principal: Resource, entitlement: Entitlement): Promise<ProvisioningOutcome>;
  revoke(ctx: ActionContext, grant: Grant, resolved?: RevokeContext): Promise<ProvisioningOutcome>;
}

/** Who to create an account for (Baton's AccountInfo, trimmed to what one-shot flags and ConductorOne send). */
export interface AccountInfo {
  emails: { address: string; primary: boolean }[];
  login?: string;
  /** Free-form JSON object (`--create-account-profile`). */
  profile: Record<string, JsonValue>;
}

/** A secret handed back once (an invitation link, a rotated key). Callers never log or print `bytes`. */
export interface PlaintextData {
  name: string;
  description?: string;
  /** MIME-like hint of what `bytes` hold, e.g. "text/plain". */
  schema?: string;
  bytes: Uint8Array;
}

/** The field an account-creation form asks for (Baton's account creation schema, one entry per field). */
export interface AccountCreationField {
  name: string;
  displayName: string;
  description: string;
  required: boolean;
  kind: "string" | "bool" | "string_list";
  placeholder?: string;
}

export interface AccountCreationSchema {
  fields: AccountCreationField[];
}

export interface CreateAccountOutcome {
  /** "created": the account exists now; "action-required": the person must act (accept an invitation). */
  kind: "created" | "already-exists" | "action-required";
  message: string;
  resource?: Resource;
  annotations: Any[];
  /** Secrets created with the account (never printed by the CLI). */
  plaintexts: PlaintextData[];
}

/** Account creation for a user-like type (Baton's AccountManager). */
export interface AccountManager {
  createAccount(ctx: ActionContext, account: AccountInfo): Promise<CreateAccountOutcome>;
  /** What the creation form asks for; ConductorOne shows it. */
  readonly accountCreationSchema: AccountCreationSchema;
}

export interface ActionOutcome {
  message: string;
  annotations: Any[];
}

/** Deletion of one resource of this type (Baton's ResourceDeleterV2: the parent comes along when known). */
export interface ResourceDeleter {
  deleteResource(ctx: ActionContext, resourceId: ResourceId, parentResourceId?: ResourceId): Promise<ActionOutcome>;
}

export interface CredentialRotationOutcome extends ActionOutcome {
  /** The new credential(s). Never printed or logged. */
  plaintexts: PlaintextData[];
}

/** Credential rotation of one resource of this type (Baton's CredentialManager). */
export interface CredentialRotator {
  rotateCredential(ctx: ActionContext, resourceId: ResourceId): Promise<CredentialRotationOutcome>;
}

/** One resource type: adding a type or a capability is one module plus one registry line. */
export interface ResourceTypeModule {
  readonly resourceType: ResourceType;
  /** A fresh syncer for one sync run; `ctx` is that run's shared state. */
  syncer(ctx: SyncContext): ResourceSyncer;
  readonly provisioner?: ResourceProvisioner;
  readonly accountManager?: AccountManager;
  readonly resourceDeleter?: ResourceDeleter;
  readonly credentialRotator?: CredentialRotator;
  /**
   * Why this type's entitlements cannot be granted or revoked, when there is a reason worth more than
   * "not supported" (a read-only entitlement of LangSmith's own design). Refused before any request.
   */
  provisioningRefusal?(action: "grant" | "revoke", entitlement: Entitlement): string;
}

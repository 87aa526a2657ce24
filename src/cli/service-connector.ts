// LangSmith as the service daemon sees it: metadata, a cheap validation, syncs into a file, and
// grant/revoke, account creation, deletion and credential rotation through the resource types' own modules. Failures become gRPC statuses whose code
// says what kind of failure it was and whose message is the redacted line the one-shot CLI would print.
import { create } from "@bufbuild/protobuf";

import { Code, ConnectError } from "@connectrpc/connect";
import { C1zWriter } from "../baton/c1z/writer.js";
import { ConnectorMetadataSchema } from "../baton/gen/c1/connector/v2/connector_metadata_pb.js";
import { ErrorInfoSchema } from "../baton/gen/google/rpc/status_pb.js";
import { PlaintextDataSchema } from "../baton/gen/c1/connector/v2/encryption_pb.js";
import type { CredentialOptions } from "../baton/gen/c1/connector/v2/resource_actions_pb.js";
import type { Entitlement, Grant, Resource, ResourceId } from "../baton/model.js";
import type { AccountCreation, AccountRequest, CredentialRotation, ServiceConnector, SyncTaskOptions } from "../baton/service/connector.js";
import { SyncError } from "../baton/sync/engine.js";
import { UnknownResourceTypeError, runFullSync } from "../connector/full-sync.js";
import { accountCreationSchema, connectorCapabilities } from "../connector/capabilities.js";
import { moduleFor } from "../connector/registry.js";
import {
  type CreateAccountOutcome,
  type PlaintextData,
  ProvisioningPreconditionError,
  ProvisioningRefusedError,
  type ResourceProvisioner,
} from "../connector/resource-type-module.js";
import { ConfigurationError } from "../connector/sync-context.js";
import {
  AuthenticationError,
  BadRequestError,
  type LangSmithClient,
  LangSmithError,
  NotFoundError,
  PermissionError,
  ValidationError,
} from "../langsmith/index.js";
import { defaultAccountType, moduleWith } from "./action-command.js";
import { type ConnectorConfig, UsageError } from "./config.js";
import { describeError } from "./describe-error.js";
import { createHeapBudget } from "./heap-budget.js";
import type { CliLogger } from "./logger.js";

export const CONNECTOR_DISPLAY_NAME = "LangSmith";

export class LangSmithServiceConnector implements ServiceConnector {
  constructor(
    private readonly cfg: ConnectorConfig,
    private readonly client: LangSmithClient,
    private readonly logger: CliLogger,
    private readonly workDir: string,
  ) {}

  async metadata() {
    return create(ConnectorMetadataSchema, {
      displayName: CONNECTOR_DISPLAY_NAME,
      description: "LangSmith users, workspaces, organization roles and workspace roles; grants and revokes roles, invites users, deletes users, invitations and service keys, rotates service keys.",
      capabilities: connectorCapabilities(),
      accountCreationSchema: accountCreationSchema(),
    });
  }

  async validate(signal: AbortSignal): Promise<void> {
    await this.client.getOrganization({ signal }).catch((err: unknown) => {
      throw signal.aborted ? signal.reason : toStatus(err);
    });
  }

  /** Validates, then syncs through the same runner as the one-shot CLI (or writes an empty sync). */
  async sync(options: SyncTaskOptions, outPath: string, signal: AbortSignal): Promise<void> {
    try {
      if (options.targetedResources.length > 0) {
        throw new ConnectError("targeted sync is not supported by this connector (its resource types have no per-resource lookup)", Code.Unimplemented);
      }
      await this.validate(signal);
      if (options.emptySync) {
        const writer = await C1zWriter.create(outPath, { workDir: this.workDir });
        await writer.finish();
        return;
      }
      const keepHeapInBudget = createHeapBudget();
      const summary = await runFullSync(
        {
          client: this.client,
          file: outPath,
          logger: this.logger,
          membershipSource: this.cfg.membershipSource,
          concurrency: Math.max(this.cfg.maxInFlight, 4),
          onProgress: () => keepHeapInBudget(),
          // The task's resource types win over --sync-resource-types, as in the Baton SDK.
          resourceTypeIds: options.resourceTypeIds.length ? options.resourceTypeIds : this.cfg.sync.resourceTypeIds,
          skipEntitlementsAndGrants: options.skipEntitlementsAndGrants,
          skipGrants: options.skipGrants,
          writer: { workDir: this.workDir },
        },
        signal,
      );
      this.logger.info("sync finished", { syncId: summary.syncId, bytes: summary.bytes, ...summary.counts, requests: summary.requests, seconds: summary.seconds });
    } catch (err) {
      throw signal.aborted ? signal.reason : toStatus(err);
    }
  }

  async grant(entitlement: Entitlement, principal: Resource, signal: AbortSignal) {
    try {
      const outcome = await provisionerFor(entitlement, "grant").grant({ client: this.client, logger: this.logger, signal }, principal, entitlement);
      this.logger.info("grant finished", { outcome: outcome.kind, entitlement: entitlement.id, principal: principal.id?.resource });
      return { annotations: outcome.annotations, grants: outcome.grants };
    } catch (err) {
      throw signal.aborted ? signal.reason : toStatus(err);
    }
  }

  async revoke(grant: Grant, signal: AbortSignal) {
    try {
      const outcome = await provisionerFor(grant.entitlement, "revoke").revoke({ client: this.client, logger: this.logger, signal }, grant);
      this.logger.info("revoke finished", { outcome: outcome.kind, grant: grant.id });
      return { annotations: outcome.annotations };
    } catch (err) {
      throw signal.aborted ? signal.reason : toStatus(err);
    }
  }
  async createAccount(request: AccountRequest, signal: AbortSignal): Promise<AccountCreation> {
    try {
      const module = moduleWith(request.resourceTypeId || defaultAccountType(), "accountManager");
      const info = request.accountInfo;
      const outcome = await module.accountManager.createAccount(
        { client: this.client, logger: this.logger, signal },
        { emails: info.emails.map((e) => ({ address: e.address, primary: e.isPrimary })), login: info.login || undefined, profile: info.profile ?? {} },
      );
      this.logger.info("account creation finished", { outcome: outcome.kind, resource: outcome.resource?.id?.resource });
      return { result: accountResult(outcome), annotations: outcome.annotations, plaintexts: outcome.plaintexts.map(toPlaintextMessage) };
    } catch (err) {
      throw signal.aborted ? signal.reason : toStatus(err);
    }
  }

  async deleteResource(resourceId: ResourceId, signal: AbortSignal) {
    try {
      const module = moduleWith(resourceId.resourceType, "resourceDeleter");
      const outcome = await module.resourceDeleter.deleteResource({ client: this.client, logger: this.logger, signal }, resourceId);
      this.logger.info("deletion finished", { resourceType: resourceId.resourceType, resource: resourceId.resource });
      return { annotations: outcome.annotations };
    } catch (err) {
      throw signal.aborted ? signal.reason : toStatus(err);
    }
  }

  /** The credential options are not read: a LangSmith key is rotated into one like it (scope, roles, lifetime). */
  async rotateCredentials(resourceId: ResourceId, _options: CredentialOptions | undefined, signal: AbortSignal): Promise<CredentialRotation> {
    try {
      const module = moduleWith(resourceId.resourceType, "credentialRotator");
      const outcome = await module.credentialRotator.rotateCredential({ client: this.client, logger: this.logger, signal }, resourceId);
      this.logger.info("new credential created; the old one is removed once the new one is handed over", { resourceType: resourceId.resourceType, resource: resourceId.resource });
      const plaintexts = outcome.plaintexts.map(toPlaintextMessage);
      for (const p of outcome.plaintexts) p.bytes.fill(0);
      const afterHandover = outcome.afterHandover;
      return {
        plaintexts,
        annotations: outcome.annotations,
        afterHandover: afterHandover
          ? async () => {
              try {
                const done = await afterHandover();
                this.logger.info("credential rotation finished", { resourceType: resourceId.resourceType, resource: resourceId.resource });
                return { annotations: done.annotations };
              } catch (err) {
                throw toStatus(err);
              }
            }
          : undefined,
      };
    } catch (err) {
      throw signal.aborted ? signal.reason : toStatus(err);
    }
  }
}

function accountResult(outcome: CreateAccountOutcome): AccountCreation["result"] {
  switch (outcome.kind) {
    case "created":
      return { kind: "success", resource: outcome.resource };
    case "already-exists":
      return { kind: "already_exists", resource: outcome.resource };
    case "action-required":
      return { kind: "action_required", resource: outcome.resource, message: outcome.message };
  }
}

/** A copy of the secret in Baton's message; the caller zeroes the original. */
function toPlaintextMessage(p: PlaintextData) {
  return create(PlaintextDataSchema, { name: p.name, description: p.description ?? "", schema: p.schema ?? "", bytes: Uint8Array.from(p.bytes) });
}

function provisionerFor(entitlement: Entitlement | undefined, action: "grant" | "revoke"): ResourceProvisioner {
  const module = moduleFor(entitlement?.resource?.id?.resourceType ?? "");
  if (module?.provisioner) return module.provisioner;
  if (entitlement && module?.provisioningRefusal) throw new ProvisioningRefusedError(module.provisioningRefusal(action, entitlement));
  throw new ProvisioningRefusedError(`entitlement ${entitlement?.id ?? "(none)"} cannot be provisioned; only workspace_role …:assigned entitlements can`);
}

/** The gRPC status of a failure, its message the redacted one-line description. */
export function toStatus(err: unknown): ConnectError {
  if (err instanceof ConnectError) return err;
  const cause = err instanceof SyncError ? err.cause : err;
  const message = describeError(err);
  if (cause instanceof ProvisioningRefusedError) {
    // An intentional decline, in the shape the Baton SDK uses for one.
    const info = create(ErrorInfoSchema, { reason: "grant_cancelled", domain: "github.com/conductorone/baton-sdk", metadata: { reason: message } });
    return new ConnectError(message, Code.FailedPrecondition, undefined, [{ desc: ErrorInfoSchema, value: info }]);
  }
  return new ConnectError(message, codeOf(cause));
}

function codeOf(err: unknown): Code {
  if (err instanceof ProvisioningPreconditionError) return Code.FailedPrecondition;
  if (err instanceof UnknownResourceTypeError || err instanceof UsageError) return Code.InvalidArgument;
  if (err instanceof AuthenticationError) return Code.Unauthenticated;
  if (err instanceof PermissionError) return Code.PermissionDenied;
  if (err instanceof NotFoundError) return Code.NotFound;
  if (err instanceof ValidationError || err instanceof BadRequestError) return Code.InvalidArgument;
  if (err instanceof ConfigurationError) return Code.FailedPrecondition;
  if (err instanceof LangSmithError && err.transient) return Code.Unavailable;
  return Code.Unknown;
}


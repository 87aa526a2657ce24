// One-shot account creation, resource deletion and credential rotation, dispatched to the module of the
// named resource type. A type that does not implement the capability is bad input, refused before any request.
import { create, toJson } from "@bufbuild/protobuf";
import { C1zReader } from "../baton/c1z/reader.js";
import { PublicKeyError, type PublicJwk, encryptForJwk, readPublicJwk } from "../baton/crypto/index.js";
import { EncryptedDataSchema, PlaintextDataSchema } from "../baton/gen/c1/connector/v2/encryption_pb.js";
import { type Any, type ResourceId, resourceId } from "../baton/model.js";
import { RESOURCE_TYPE_REGISTRY, type ResourceTypeRegistry, moduleFor } from "../connector/registry.js";
import type { AccountInfo, ActionContext, ResourceTypeModule } from "../connector/resource-type-module.js";
import { RotationIncompleteError } from "../connector/resources/service-key-actions.js";
import { createClient, warnAboutKeyKind } from "./client-factory.js";
import { type ConnectorConfig, UsageError } from "./config.js";
import type { CliLogger } from "./logger.js";
import { existsSync } from "node:fs";

export interface ActionResult {
  result: string;
  message: string;
  annotations: Any[];
  /** `<type>:<id>` of the resource an account creation resulted in (the user, or the invitation). */
  resource?: string;
}

/** What each capability is called in the one line a user sees when a type lacks it. */
const CAPABILITY_NAMES = {
  accountManager: "account creation",
  resourceDeleter: "deletion",
  credentialRotator: "credential rotation",
} as const;

/** The module of `typeId`, which must implement `capability`; otherwise a UsageError naming what is missing. */
export function moduleWith<K extends keyof typeof CAPABILITY_NAMES>(
  typeId: string,
  capability: K,
  registry: ResourceTypeRegistry = RESOURCE_TYPE_REGISTRY,
): ResourceTypeModule & Required<Pick<ResourceTypeModule, K>> {
  const module = moduleFor(typeId, registry);
  if (!module) throw new UsageError(`unknown resource type "${typeId}": use one of ${registry.map((m) => m.resourceType.id).join(", ")}`);
  if (!module[capability]) throw new UsageError(`resource type ${typeId} does not support ${CAPABILITY_NAMES[capability]}`);
  return module as ResourceTypeModule & Required<Pick<ResourceTypeModule, K>>;
}

/** Runs the create-account, delete-resource or rotate-credentials action the configuration asks for. */
export async function actionCommand(
  cfg: ConnectorConfig,
  logger: CliLogger,
  signal: AbortSignal = new AbortController().signal,
  out: NodeJS.WritableStream = process.stdout,
): Promise<ActionResult> {
  const context = (): ActionContext => {
    warnAboutKeyKind(cfg, logger);
    return { client: createClient(cfg, logger), logger, signal };
  };
  if (cfg.createAccount) {
    const req = cfg.createAccount;
    const module = moduleWith(req.resourceType ?? defaultAccountType(), "accountManager");
    const account: AccountInfo = { emails: req.email ? [{ address: req.email, primary: true }] : [], login: req.login, profile: req.profile };
    const outcome = await module.accountManager.createAccount(context(), account);
    logger.info("account creation finished", { outcome: outcome.kind });
    const rid = outcome.resource?.id;
    return { result: outcome.kind, message: outcome.message, annotations: outcome.annotations, resource: rid ? `${rid.resourceType}:${rid.resource}` : undefined };
  }
  if (cfg.deleteResource) {
    const { id, resourceType } = cfg.deleteResource;
    const module = moduleWith(resourceType, "resourceDeleter");
    const target = resourceId(resourceType, id);
    const outcome = await module.resourceDeleter.deleteResource(context(), target, await parentFromFile(cfg.file, target));
    logger.info("deletion finished");
    return { result: "deleted", message: outcome.message, annotations: outcome.annotations };
  }
  if (cfg.rotateCredentials) {
    const { id, resourceType } = cfg.rotateCredentials;
    const module = moduleWith(resourceType, "credentialRotator");
    // The key is checked before anything changes in LangSmith.
    const publicKey = rotationPublicKey(cfg);
    const outcome = await module.credentialRotator.rotateCredential(context(), resourceId(resourceType, id));
    // The new credential leaves only encrypted, on `out`; the old one goes only once that write is flushed.
    try {
      const encrypted = [];
      for (const p of outcome.plaintexts) {
        const plaintext = create(PlaintextDataSchema, { name: p.name, description: p.description ?? "", schema: p.schema ?? "", bytes: p.bytes });
        encrypted.push(toJson(EncryptedDataSchema, await encryptForJwk(plaintext, publicKey)));
        p.bytes.fill(0);
      }
      await writeFlushed(out, `${JSON.stringify({ encryptedData: encrypted })}\n`);
    } catch (err) {
      throw new RotationIncompleteError(
        `${outcome.message}, but handing the new credential over failed (${(err as Error).message}); nothing was deleted: the old credential still works, and the new one should be deleted since its secret is lost`,
      );
    }
    const finished = outcome.afterHandover ? await outcome.afterHandover() : outcome;
    logger.info("credential rotation finished");
    return { result: "rotated", message: finished.message, annotations: finished.annotations };
  }
  throw new Error("actionCommand called without an action");
}

/** --rotate-credentials-public-key, parsed (inline JWK JSON or a file path); bad input is a UsageError. */
function rotationPublicKey(cfg: ConnectorConfig): PublicJwk {
  if (cfg.rotateCredentialsPublicKey === undefined) {
    throw new UsageError("--rotate-credentials needs --rotate-credentials-public-key: the public JWK (inline JSON or a file path) the new credential is encrypted to");
  }
  try {
    return readPublicJwk(cfg.rotateCredentialsPublicKey!, "--rotate-credentials-public-key");
  } catch (err) {
    if (err instanceof PublicKeyError) throw new UsageError(err.message);
    throw err;
  }
}

/** Writes and waits until the stream has handed the bytes on (to a pipe or file), or fails. */
function writeFlushed(out: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

/** The type account creation goes to when none is named: the only one that supports it, else `user`. */
export function defaultAccountType(): string {
  const managers = RESOURCE_TYPE_REGISTRY.filter((m) => m.accountManager);
  return managers.length === 1 ? managers[0]!.resourceType.id : "user";
}

/** The resource's parent as the last sync saw it, when --file holds that resource (Baton passes it along). */
async function parentFromFile(file: string, id: ResourceId): Promise<ResourceId | undefined> {
  if (!existsSync(file)) return undefined;
  const reader = await C1zReader.open(file);
  try {
    return reader.latestFinishedSync() ? reader.getResource(id)?.parentResourceId : undefined;
  } finally {
    reader.close();
  }
}

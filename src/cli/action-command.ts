// One-shot account creation, resource deletion and credential rotation, dispatched to the module of the
// named resource type. A type that does not implement the capability is bad input, refused before any request.
import { C1zReader } from "../baton/c1z/reader.js";
import { type Any, type ResourceId, resourceId } from "../baton/model.js";
import { RESOURCE_TYPE_REGISTRY, type ResourceTypeRegistry, moduleFor } from "../connector/registry.js";
import type { AccountInfo, ActionContext, ResourceTypeModule } from "../connector/resource-type-module.js";
import { createClient, warnAboutKeyKind } from "./client-factory.js";
import { type ConnectorConfig, UsageError } from "./config.js";
import type { CliLogger } from "./logger.js";
import { existsSync } from "node:fs";

export interface ActionResult {
  result: string;
  message: string;
  annotations: Any[];
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
export async function actionCommand(cfg: ConnectorConfig, logger: CliLogger, signal: AbortSignal = new AbortController().signal): Promise<ActionResult> {
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
    return { result: outcome.kind, message: outcome.message, annotations: outcome.annotations };
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
    // The new credential is never printed: it is a secret, and a terminal or log is no place for it.
    const outcome = await module.credentialRotator.rotateCredential(context(), resourceId(resourceType, id));
    logger.info("credential rotation finished");
    return { result: "rotated", message: outcome.message, annotations: outcome.annotations };
  }
  throw new Error("actionCommand called without an action");
}

/** The type account creation goes to when none is named: the only one that supports it, else `user`. */
function defaultAccountType(): string {
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

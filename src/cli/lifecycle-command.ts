// One-shot account creation (--create-account-*) and resource deletion (--delete-resource), handed to the
// module of the named resource type. Neither needs a .c1z: both read LangSmith's current state first.
import { moduleFor, registryFor } from "../connector/registry.js";
import type { AccountInfo, ActionOutcome, CreateAccountOutcome } from "../connector/resource-type-module.js";
import { createClient, warnAboutKeyKind } from "./client-factory.js";
import { type ConnectorConfig, UsageError } from "./config.js";
import type { CliLogger } from "./logger.js";

export async function createAccountCommand(cfg: ConnectorConfig, logger: CliLogger, signal: AbortSignal = new AbortController().signal): Promise<CreateAccountOutcome> {
  const registry = registryFor(cfg);
  const module = moduleFor(cfg.createAccountResourceType, registry);
  const manager = module?.accountManager;
  if (!manager) {
    const types = registry.filter((m) => m.accountManager).map((m) => m.resourceType.id);
    throw new UsageError(`resource type "${cfg.createAccountResourceType}" cannot create accounts: use --create-account-resource-type ${types.join(" or ")}`);
  }
  const account: AccountInfo = {
    emails: cfg.createAccountEmail ? [{ address: cfg.createAccountEmail.trim(), primary: true }] : [],
    login: cfg.createAccountLogin?.trim(),
    profile: cfg.createAccountProfile ?? {},
  };
  warnAboutKeyKind(cfg, logger);
  const outcome = await manager.createAccount({ client: createClient(cfg, logger), logger, signal }, account);
  logger.info("account creation finished", { outcome: outcome.kind });
  return outcome;
}

export async function deleteResourceCommand(cfg: ConnectorConfig, logger: CliLogger, signal: AbortSignal = new AbortController().signal): Promise<ActionOutcome> {
  const registry = registryFor(cfg);
  const type = cfg.deleteResourceType!;
  const deleter = moduleFor(type, registry)?.resourceDeleter;
  if (!deleter) {
    const types = registry.filter((m) => m.resourceDeleter).map((m) => m.resourceType.id);
    throw new UsageError(`resources of type "${type}" cannot be deleted: --delete-resource-type must be ${types.join(" or ")}`);
  }
  const id = cfg.deleteResource!.trim();
  if (!id) throw new UsageError("--delete-resource is empty: pass the id of the resource (as a sync shows it)");
  warnAboutKeyKind(cfg, logger);
  const outcome = await deleter.deleteResource({ client: createClient(cfg, logger), logger, signal }, { $typeName: "c1.connector.v2.ResourceId", resourceType: type, resource: id, batonResource: false });
  logger.info("delete finished", { type });
  return outcome;
}

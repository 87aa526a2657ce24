import { C1zReader } from "../baton/c1z/reader.js";
import { type Entitlement, resourceId } from "../baton/model.js";
import { moduleFor } from "../connector/registry.js";
import { type ActionContext, type ProvisioningOutcome, ProvisioningRefusedError, type ResourceProvisioner } from "../connector/resource-type-module.js";
import { createClient, warnAboutKeyKind } from "./client-factory.js";
import { type ConnectorConfig, UsageError } from "./config.js";
import type { CliLogger } from "./logger.js";
import { existsSync } from "node:fs";

/**
 * One-shot grant or revoke, resolving ids from the .c1z named by --file like the Baton SDK does, and handed
 * to the provisioner of the entitlement's resource type. The .c1z only names things; what LangSmith holds
 * now is always read from LangSmith.
 */
export async function provisionCommand(cfg: ConnectorConfig, logger: CliLogger, signal: AbortSignal = new AbortController().signal): Promise<ProvisioningOutcome> {
  if (!existsSync(cfg.file)) throw new UsageError(`${cfg.file} does not exist: run a sync first (provisioning resolves ids from the .c1z named by --file)`);
  warnAboutKeyKind(cfg, logger);
  const reader = await C1zReader.open(cfg.file);
  let run: (ctx: ActionContext) => Promise<ProvisioningOutcome>;
  try {
    if (!reader.latestFinishedSync()) throw new UsageError(`${cfg.file} holds no finished sync: run a full sync first`);
    if (cfg.grantEntitlement !== undefined) {
      const entitlement = reader.getEntitlement(cfg.grantEntitlement);
      if (!entitlement) throw new UsageError(`entitlement "${cfg.grantEntitlement}" is not in ${cfg.file}: check the id, or run a sync to refresh the file`);
      const principal = reader.getResource(resourceId(cfg.grantPrincipalType, cfg.grantPrincipal!));
      if (!principal) {
        throw new UsageError(`principal ${cfg.grantPrincipalType} "${cfg.grantPrincipal}" is not in ${cfg.file}: check the id (users are keyed by ls_user_id), or run a sync to refresh the file`);
      }
      const provisioner = provisionerFor(entitlement, "grant");
      run = (ctx) => provisioner.grant(ctx, principal, entitlement);
    } else {
      const grant = reader.getGrant(cfg.revokeGrant!);
      if (!grant) throw new UsageError(`grant "${cfg.revokeGrant}" is not in ${cfg.file}: check the id, or run a sync to refresh the file`);
      const entitlement = grant.entitlement ? reader.getEntitlement(grant.entitlement.id) : undefined;
      const principal = grant.principal?.id ? reader.getResource(grant.principal.id) : undefined;
      const provisioner = provisionerFor(entitlement ?? grant.entitlement, "revoke");
      run = (ctx) => provisioner.revoke(ctx, grant, { entitlement, principal });
    }
  } finally {
    reader.close();
  }
  const outcome = await run({ client: createClient(cfg, logger), logger, signal });
  logger.info("provisioning finished", { outcome: outcome.kind });
  return outcome;
}

/** The provisioner of the entitlement's resource type; a type without one is refused with its reason. */
function provisionerFor(entitlement: Entitlement | undefined, action: "grant" | "revoke"): ResourceProvisioner {
  const typeId = entitlement?.resource?.id?.resourceType ?? "";
  const module = moduleFor(typeId);
  if (module?.provisioner) return module.provisioner;
  if (entitlement && module?.provisioningRefusal) throw new ProvisioningRefusedError(module.provisioningRefusal(action, entitlement));
  throw new ProvisioningRefusedError(`entitlement ${entitlement?.id ?? "(unknown)"} cannot be provisioned; only workspace_role …:assigned entitlements can`);
}

import { C1zReader } from "../baton/c1z/reader.js";
import { resourceId } from "../baton/model.js";
import { type ProvisioningOutcome, Provisioner } from "../connector/provisioning.js";
import { createClient, warnAboutKeyKind } from "./client-factory.js";
import { type ConnectorConfig, UsageError } from "./config.js";
import type { CliLogger } from "./logger.js";
import { existsSync } from "node:fs";

/**
 * One-shot grant or revoke, resolving ids from the .c1z named by --file like the Baton SDK does.
 * The .c1z only names things; what LangSmith holds now is always read from LangSmith.
 */
export async function provisionCommand(cfg: ConnectorConfig, logger: CliLogger): Promise<ProvisioningOutcome> {
  if (!existsSync(cfg.file)) throw new UsageError(`${cfg.file} does not exist: run a sync first (provisioning resolves ids from the .c1z named by --file)`);
  warnAboutKeyKind(cfg, logger);
  const reader = await C1zReader.open(cfg.file);
  let run: (p: Provisioner) => Promise<ProvisioningOutcome>;
  try {
    if (!reader.latestFinishedSync()) throw new UsageError(`${cfg.file} holds no finished sync: run a full sync first`);
    if (cfg.grantEntitlement !== undefined) {
      const entitlement = reader.getEntitlement(cfg.grantEntitlement);
      if (!entitlement) throw new UsageError(`entitlement "${cfg.grantEntitlement}" is not in ${cfg.file}: check the id, or run a sync to refresh the file`);
      const principal = reader.getResource(resourceId(cfg.grantPrincipalType, cfg.grantPrincipal!));
      if (!principal) {
        throw new UsageError(`principal ${cfg.grantPrincipalType} "${cfg.grantPrincipal}" is not in ${cfg.file}: check the id (users are keyed by ls_user_id), or run a sync to refresh the file`);
      }
      run = (p) => p.grant(entitlement, principal);
    } else {
      const grant = reader.getGrant(cfg.revokeGrant!);
      if (!grant) throw new UsageError(`grant "${cfg.revokeGrant}" is not in ${cfg.file}: check the id, or run a sync to refresh the file`);
      const entitlement = grant.entitlement ? reader.getEntitlement(grant.entitlement.id) : undefined;
      const principal = grant.principal?.id ? reader.getResource(grant.principal.id) : undefined;
      run = (p) => p.revoke(grant, { entitlement, principal });
    }
  } finally {
    reader.close();
  }
  const outcome = await run(new Provisioner(createClient(cfg, logger), logger));
  logger.info("provisioning finished", { outcome: outcome.kind });
  return outcome;
}

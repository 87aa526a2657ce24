import { Command, CommanderError, Option } from "commander";
import { C1zCorruptError, C1zNotC1zError, C1zNotSqliteError, C1zTargetError, C1zV3FormatError } from "../baton/c1z/errors.js";
import { redact } from "../langsmith/index.js";
import { type CliLogger, createLogger } from "./logger.js";
import { UsageError, commonConfig, connectorConfig, numberField, oneShotAction, resolveRaw } from "./config.js";
import { describeError, isBadLifecycleRequest } from "./describe-error.js";
import { FIELDS, camel, envName } from "./fields.js";
import { registryFor } from "../connector/registry.js";
import { ServiceStartError } from "./service-start-error.js";
import { HEALTH_ENDPOINTS, type HealthEndpoint, queryHealth } from "../baton/service/health.js";
import { VERSION } from "./version.js";

// Each command loads its own modules when it runs: service mode (gRPC), key rotation (encryption) and the
// review commands bring large dependency trees that a sync never needs, and every run of the CLI would
// otherwise pay for loading them (about 0.3 s of start-up).

/** Entry point: `baton-langsmith [flags]` syncs (or provisions); `capabilities` and `config` print JSON. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a bad flag or argument: bad input, 2.
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    throw err;
  }
}

function buildProgram(): Command {
  const program = new Command("baton-langsmith")
    .description("Sync a LangSmith organization's users, workspaces and roles into a Baton .c1z file, and grant or revoke workspace roles.")
    .version(VERSION, "-v, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(redact(text)) });
  for (const f of FIELDS) program.addOption(toOption(f));
  program.action(async () => {
    await runRoot(program.opts());
  });
  program
    .command("capabilities")
    .description("print the connector's capabilities (JSON)")
    .option("--org-role-provisioning", "show the capabilities with org-role provisioning on ($BATON_ORG_ROLE_PROVISIONING)")
    .action(async (_opts: unknown, cmd: Command) => {
      const on = orgRoleProvisioningSetting(cmd.optsWithGlobals().orgRoleProvisioning === true);
      const { capabilitiesJson } = await import("./schema-output.js");
      process.stdout.write(capabilitiesJson(registryFor({ orgRoleProvisioning: on })));
    });
  program
    .command("metadata")
    .description("print the connector's metadata (JSON): capabilities and the account-creation form ConductorOne shows")
    .option("--org-role-provisioning", "show the metadata with org-role provisioning on ($BATON_ORG_ROLE_PROVISIONING)")
    .action(async (_opts: unknown, cmd: Command) => {
      const on = orgRoleProvisioningSetting(cmd.optsWithGlobals().orgRoleProvisioning === true);
      const { metadataJson } = await import("./schema-output.js");
      process.stdout.write(metadataJson(registryFor({ orgRoleProvisioning: on })));
    });
  program
    .command("health-check")
    .description("query the health server of a running service-mode connector; exits 0 when it answers 200")
    .addOption(new Option("--endpoint <name>", "which endpoint to query").choices([...HEALTH_ENDPOINTS]).default("health"))
    .option("--timeout <seconds>", "how long to wait for an answer", "5")
    .option("--health-check-port <port>", "port of the health server ($BATON_HEALTH_CHECK_PORT)")
    .option("--health-check-bind-address <address>", "address of the health server ($BATON_HEALTH_CHECK_BIND_ADDRESS)")
    .action(async (opts: { endpoint: HealthEndpoint; timeout: string; healthCheckPort?: string; healthCheckBindAddress?: string }) => {
      await healthCheckCommand(opts);
    });
  program
    .command("config")
    .description("print the connector's configuration schema (JSON)")
    .action(async () => {
      const { configSchemaJson } = await import("./schema-output.js");
      process.stdout.write(configSchemaJson());
    });
  program
    .command("report")
    .description("write a who-has-what report of a .c1z: one self-contained HTML file (or CSV / JSON), private (0600)")
    .argument("<file>", "the .c1z to read")
    .option("-o, --output <path>", "where to write (default: the .c1z's name with .html/.csv/.json; - for stdout)")
    .option("--format <format>", "html, csv or json", "html")
    .option("--since <old.c1z>", "include what changed since this older sync")
    .option("--log-level <level>", "debug shows stacks on failure", "info")
    .action(async (file: string, o: { output?: string; format?: string; since?: string; logLevel?: string }) => {
      const logger = createLogger(o.logLevel === "debug" ? "debug" : "info", "console");
      try {
        const { reportCommand } = await import("./review-commands.js");
        const done = await reportCommand(file, o);
        if (done.output !== "-") process.stderr.write(`wrote ${done.output} (${done.bytes.toLocaleString("en")} bytes, mode 0600)\n`);
      } catch (err) {
        fail(err, logger);
      }
    });
  program
    .command("diff")
    .description("show what changed between two .c1z files: grants and people added or removed, role changes")
    .argument("<old>", "the older .c1z")
    .argument("<new>", "the newer .c1z")
    .option("--format <format>", "text or json", "text")
    .option("--log-level <level>", "debug shows stacks on failure", "info")
    .action(async (oldFile: string, newFile: string, o: { format?: string; logLevel?: string }) => {
      const logger = createLogger(o.logLevel === "debug" ? "debug" : "info", "console");
      try {
        const { diffCommand } = await import("./review-commands.js");
        await diffCommand(oldFile, newFile, o);
      } catch (err) {
        fail(err, logger);
      }
    });
  return program;
}

function toOption(f: (typeof FIELDS)[number]): Option {
  const flags = `${f.short ? `-${f.short}, ` : ""}--${f.name}${f.type === "bool" ? "" : " <value>"}`;
  const parts = [f.required ? `required: ${f.description}` : f.description];
  if (f.default !== undefined && !f.secret) parts.push(`(default: ${String(f.default)})`);
  parts.push(`($${envName(f.name)})`);
  const opt = new Option(flags, parts.join(" "));
  if (f.hidden) opt.hideHelp();
  return opt;
}

async function runRoot(flags: Record<string, unknown>): Promise<void> {
  let logger: CliLogger = createLogger("info", process.stdout.isTTY ? "console" : "json");
  try {
    const raw = resolveRaw(pick(flags));
    const serviceMode = typeof raw.clientId === "string" && raw.clientId.trim() !== "";
    // A daemon's logs go to a log collector: JSON lines unless console is asked for explicitly.
    const common = commonConfig(raw, !!process.stdout.isTTY && !serviceMode);
    logger = createLogger(common.logLevel, common.logFormat);
    const cfg = connectorConfig(raw, common);
    if (serviceMode) {
      const { serviceCommand, serviceConfig } = await import("./service-command.js");
      await serviceCommand(cfg, serviceConfig(raw), logger);
      // Stopped: a connector request that could not be cancelled must not keep the process alive.
      process.exit(process.exitCode ?? 0);
    }
    const json = cfg.logFormat === "json";
    const action = oneShotAction(cfg);
    if (action === "--create-account" || action === "--delete-resource" || action === "--rotate-credentials") {
      const { actionCommand } = await import("./action-command.js");
      const done = await actionCommand(cfg, logger);
      // Rotation owns stdout (the encrypted credential): its outcome goes to stderr, or the log with json logs.
      if (action === "--rotate-credentials") {
        if (json) logger.info(done.message, { result: done.result, annotations: done.annotations.map((a) => a.typeUrl) });
        else process.stderr.write(`${done.message}\n`);
      } else if (json) process.stdout.write(`${JSON.stringify({ result: done.result, message: done.message, annotations: done.annotations.map((a) => a.typeUrl), ...(done.resource && { resource: done.resource }) })}\n`);
      else process.stdout.write(`${done.message}\n`);
      return;
    }
    if (action === "--grant-entitlement" || action === "--revoke-grant") {
      const { provisionCommand } = await import("./provision-command.js");
      const outcome = await provisionCommand(cfg, logger);
      if (json) process.stdout.write(`${JSON.stringify({ result: outcome.kind, message: outcome.message, annotations: outcome.annotations.map((a) => a.typeUrl), grants: outcome.grants.map((g) => g.id) })}\n`);
      else process.stdout.write(`${outcome.message}\n`);
      return;
    }
    const { formatSyncSummary, syncCommand } = await import("./sync-command.js");
    const summary = await syncCommand(cfg, logger, !json && !!process.stderr.isTTY);
    if (json) logger.info("sync finished", { ...summary });
    else process.stdout.write(`${formatSyncSummary(summary)}\n`);
  } catch (err) {
    fail(err, logger);
  }
}

/** One line on stderr (a JSON line with json logs), non-zero exit; the stack only at debug level. */
function fail(err: unknown, logger: CliLogger): void {
  const message = describeError(err);
  if (logger.format === "json") logger.error(message, logger.level === "debug" ? { stack: redact(String((err as Error)?.stack ?? "")) } : undefined);
  else {
    process.stderr.write(`baton-langsmith: ${redact(message)}\n`);
    if (logger.level === "debug" && err instanceof Error && err.stack) process.stderr.write(`${redact(err.stack)}\n`);
  }
  process.exitCode = err instanceof ServiceStartError ? err.exitCode : err instanceof UsageError || isUnusableFile(err) || isBadLifecycleRequest(err) ? 2 : 1;
}

/** --file names something this tool cannot use (unwritable target, not a v1 .c1z, damaged copy): bad input, like a UsageError. */
function isUnusableFile(err: unknown): boolean {
  return [C1zTargetError, C1zNotC1zError, C1zV3FormatError, C1zCorruptError, C1zNotSqliteError].some((cls) => err instanceof cls);
}

function pick(flags: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const key = camel(f.name);
    if (flags[key] !== undefined) out[key] = flags[key];
  }
  return out;
}

/** --org-role-provisioning for the capabilities/metadata subcommands: flag > BATON_ORG_ROLE_PROVISIONING > .baton.yaml > off. */
function orgRoleProvisioningSetting(flag: boolean | undefined): boolean {
  try {
    return resolveRaw(flag ? { orgRoleProvisioning: true } : {}).orgRoleProvisioning === true;
  } catch {
    return !!flag;
  }
}

/** `health-check`: GET the running daemon's endpoint; exit 0 on 200, 1 otherwise (a container HEALTHCHECK). */
async function healthCheckCommand(opts: { endpoint: HealthEndpoint; timeout: string; healthCheckPort?: string; healthCheckBindAddress?: string }): Promise<void> {
  try {
    const raw = resolveRaw({
      ...(opts.healthCheckPort !== undefined ? { healthCheckPort: opts.healthCheckPort } : {}),
      ...(opts.healthCheckBindAddress !== undefined ? { healthCheckBindAddress: opts.healthCheckBindAddress } : {}),
    });
    const port = numberField(raw, "health-check-port");
    const timeout = Number(opts.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout must be a positive number of seconds (got "${opts.timeout}")`);
    const res = await queryHealth({ host: String(raw.healthCheckBindAddress), port, endpoint: opts.endpoint, timeoutMs: timeout * 1000 });
    process.stdout.write(`${res.body}\n`);
    process.exitCode = res.status === 200 ? 0 : 1;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`baton-langsmith: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`baton-langsmith: health check failed: ${redact((err as Error).message)}\n`);
    process.exitCode = 1;
  }
}

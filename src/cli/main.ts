import { Command, CommanderError, Option } from "commander";
import { C1zCorruptError, C1zNotC1zError, C1zNotSqliteError, C1zTargetError, C1zV3FormatError } from "../baton/c1z/errors.js";
import { redact } from "../langsmith/index.js";
import { type CliLogger, createLogger } from "./logger.js";
import { UsageError, commonConfig, connectorConfig, numberField, oneShotAction, resolveRaw } from "./config.js";
import { actionCommand } from "./action-command.js";
import { describeError } from "./describe-error.js";
import { FIELDS, camel, envName } from "./fields.js";
import { provisionCommand } from "./provision-command.js";
import { ServiceStartError, serviceCommand, serviceConfig } from "./service-command.js";
import { HEALTH_ENDPOINTS, type HealthEndpoint, queryHealth } from "../baton/service/health.js";
import { capabilitiesJson, configSchemaJson } from "./schema-output.js";
import { formatSyncSummary, syncCommand } from "./sync-command.js";
import { VERSION } from "./version.js";

/** Entry point: `baton-langsmith [flags]` syncs (or provisions); `capabilities` and `config` print JSON. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
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
    .action(() => {
      process.stdout.write(capabilitiesJson());
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
    .action(() => {
      process.stdout.write(configSchemaJson());
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
      await serviceCommand(cfg, serviceConfig(raw), logger);
      // Stopped: a connector request that could not be cancelled must not keep the process alive.
      process.exit(process.exitCode ?? 0);
    }
    const json = cfg.logFormat === "json";
    const action = oneShotAction(cfg);
    if (action === "--create-account" || action === "--delete-resource" || action === "--rotate-credentials") {
      const done = await actionCommand(cfg, logger);
      if (json) process.stdout.write(`${JSON.stringify({ result: done.result, message: done.message, annotations: done.annotations.map((a) => a.typeUrl) })}\n`);
      else process.stdout.write(`${done.message}\n`);
      return;
    }
    if (action === "--grant-entitlement" || action === "--revoke-grant") {
      const outcome = await provisionCommand(cfg, logger);
      if (json) process.stdout.write(`${JSON.stringify({ result: outcome.kind, message: outcome.message, annotations: outcome.annotations.map((a) => a.typeUrl), grants: outcome.grants.map((g) => g.id) })}\n`);
      else process.stdout.write(`${outcome.message}\n`);
      return;
    }
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
  process.exitCode = err instanceof ServiceStartError ? err.exitCode : err instanceof UsageError || isUnusableFile(err) ? 2 : 1;
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

import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
import { resolve } from "node:path";
import { targetProblem } from "../baton/c1z/target.js";
import { parse as parseYaml } from "yaml";
import { C1Z_V1_MAGIC, C1Z_V3_MAGIC } from "../baton/c1z/format.js";
import { BaseUrlError, classifyApiKey, normalizeBaseUrl } from "../langsmith/index.js";
import type { MembershipSourceOption } from "../connector/sync-context.js";
import type { JsonValue } from "../baton/model.js";
import { RESOURCE_TYPE_REGISTRY } from "../connector/registry.js";
import { UnknownResourceTypeError, selectTypes } from "../connector/full-sync.js";
import { FIELDS, type FieldSpec, camel, envName } from "./fields.js";

/** Bad input: one line that says what is wrong and what to do. */
export class UsageError extends Error {
  override name = "UsageError";
}

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFormat = "json" | "console";

export interface CommonConfig {
  logLevel: LogLevel;
  logFormat: LogFormat;
}

export interface ConnectorConfig extends CommonConfig {
  apiKey: string;
  keyKind: "service-key" | "personal-access-token";
  organizationId: string;
  baseUrl: string;
  requestsPerSecond: number;
  maxInFlight: number;
  membershipSource: MembershipSourceOption;
  httpTimeoutSeconds: number;
  file: string;
  provisioning: boolean;
  grantEntitlement?: string;
  grantPrincipal?: string;
  grantPrincipalType: string;
  revokeGrant?: string;
  /** Org roles are provisionable (--org-role-provisioning). */
  orgRoleProvisioning: boolean;
  /** Milliseconds since the epoch API-key findings are computed at (--now); undefined = the current time. */
  now?: number;
  keyExpiringWithinDays: number;
  keyUnusedForDays: number;
  /** The JWK, inline or a path, as given; parsed by the rotation command before anything changes. */
  rotateCredentialsPublicKey?: string;
  createAccount?: { login?: string; email?: string; profile: Record<string, JsonValue>; resourceType?: string };
  deleteResource?: { id: string; resourceType: string };
  rotateCredentials?: { id: string; resourceType: string };
  /** Sync options (Baton's names): which types, and whether entitlements and grants are read. */
  sync: SyncSelection;
}

export interface SyncSelection {
  resourceTypeIds: string[];
  skipEntitlementsAndGrants: boolean;
  skipGrants: boolean;
}

type Raw = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Resolves every field as flag > environment > .baton.yaml > default (Baton's precedence).
 * `flags` holds only values given on the command line.
 */
export function resolveRaw(flags: Raw, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Raw {
  const file = loadYaml(env, cwd);
  const out: Raw = {};
  for (const f of FIELDS) {
    const key = camel(f.name);
    const fromEnv = env[envName(f.name)];
    if (flags[key] !== undefined) out[key] = flags[key];
    else if (fromEnv !== undefined) out[key] = fromEnvValue(f, fromEnv);
    else if (file[f.name] !== undefined) out[key] = file[f.name];
    else if (f.default !== undefined) out[key] = f.default;
  }
  return out;
}

export function commonConfig(raw: Raw, stdoutIsTty: boolean): CommonConfig {
  const logLevel = choice(raw, "log-level") as LogLevel;
  const logFormat = (raw.logFormat === undefined ? (stdoutIsTty ? "console" : "json") : choice(raw, "log-format")) as LogFormat;
  return { logLevel, logFormat };
}

export function connectorConfig(raw: Raw, common: CommonConfig): ConnectorConfig {
  const apiKey = raw.apiKey;
  if (apiKey === undefined) {
    throw new UsageError("missing API key: pass --api-key or set BATON_API_KEY to an organization-scoped LangSmith service key (lsv2_sk_…)");
  }
  if (typeof apiKey !== "string" || apiKey.trim() === "") {
    throw new UsageError("the API key is empty: set --api-key or BATON_API_KEY to an organization-scoped LangSmith service key (lsv2_sk_…)");
  }
  const kind = classifyApiKey(apiKey.trim());
  if (kind === "legacy") throw new UsageError("legacy ls__ API keys stopped working in October 2024: create an organization-scoped service key (lsv2_sk_…) in LangSmith settings");
  if (kind === "unknown") throw new UsageError("the API key does not look like a LangSmith key (expected lsv2_sk_… or lsv2_pt_…): check --api-key / BATON_API_KEY");

  const orgId = raw.organizationId;
  if (orgId === undefined || orgId === "") {
    throw new UsageError("missing organization id: pass --organization-id or set BATON_ORGANIZATION_ID (LangSmith → Settings → Organization, a UUID)");
  }
  if (typeof orgId !== "string" || !UUID.test(orgId.trim())) {
    throw new UsageError(`--organization-id "${String(orgId)}" is not a UUID: copy the organization id from LangSmith → Settings → Organization`);
  }

  let baseUrl: string;
  try {
    baseUrl = normalizeBaseUrl(String(raw.baseUrl));
  } catch (err) {
    if (err instanceof BaseUrlError) throw new UsageError(err.message);
    throw err;
  }

  const cfg: ConnectorConfig = {
    ...common,
    apiKey: apiKey.trim(),
    keyKind: kind,
    organizationId: orgId.trim().toLowerCase(),
    baseUrl,
    requestsPerSecond: numberField(raw, "requests-per-second"),
    maxInFlight: numberField(raw, "max-in-flight"),
    membershipSource: choice(raw, "membership-source") as MembershipSourceOption,
    httpTimeoutSeconds: numberField(raw, "http-timeout-seconds"),
    file: String(raw.file),
    provisioning: raw.provisioning === true,
    grantEntitlement: optionalString(raw.grantEntitlement),
    grantPrincipal: optionalString(raw.grantPrincipal),
    grantPrincipalType: String(raw.grantPrincipalType ?? "user"),
    revokeGrant: optionalString(raw.revokeGrant),
    orgRoleProvisioning: raw.orgRoleProvisioning === true,
    now: nowField(raw.now),
    keyExpiringWithinDays: numberField(raw, "key-expiring-within-days"),
    keyUnusedForDays: numberField(raw, "key-unused-for-days"),
    rotateCredentialsPublicKey: optionalString(raw.rotateCredentialsPublicKey),
    createAccount: createAccountRequest(raw),
    deleteResource: pairedTarget(raw, "delete-resource", "delete-resource-type"),
    rotateCredentials: pairedTarget(raw, "rotate-credentials", "rotate-credentials-type"),
    sync: syncSelection(raw),
  };
  checkProvisioningFlags(cfg);
  return cfg;
}

/** The one-shot action the flags ask for (Baton's order of precedence), or undefined for a sync. */
export function oneShotAction(c: ConnectorConfig): "--grant-entitlement" | "--revoke-grant" | "--create-account" | "--delete-resource" | "--rotate-credentials" | undefined {
  return requestedActions(c)[0];
}

function requestedActions(c: ConnectorConfig) {
  const actions: NonNullable<ReturnType<typeof oneShotAction>>[] = [];
  if (c.grantEntitlement !== undefined) actions.push("--grant-entitlement");
  if (c.revokeGrant !== undefined) actions.push("--revoke-grant");
  if (c.createAccount) actions.push("--create-account");
  if (c.deleteResource) actions.push("--delete-resource");
  if (c.rotateCredentials) actions.push("--rotate-credentials");
  return actions;
}

function checkProvisioningFlags(c: ConnectorConfig): void {
  const actions = requestedActions(c);
  if (actions.length > 1) {
    const named = actions.map((a) => (a === "--create-account" ? "--create-account-*" : a));
    throw new UsageError(`${named.slice(0, -1).join(", ")} and ${named.at(-1)} cannot be used together: run one at a time`);
  }
  if ((c.grantEntitlement === undefined) !== (c.grantPrincipal === undefined)) {
    throw new UsageError("--grant-entitlement and --grant-principal must be given together");
  }
  const action = actions[0] === "--create-account" ? "--create-account-*" : actions[0];
  if (action && !c.provisioning) {
    throw new UsageError(`${action} changes access in LangSmith: add --provisioning (or BATON_PROVISIONING=true) to allow it`);
  }
}

function nowField(v: unknown): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const text = String(v).trim();
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--now must be an RFC 3339 time with a zone, such as 2025-07-01T00:00:00Z (got "${text}")`);
  return ms;
}

/** `--X <id>` and `--X-type <type>` name one resource; either alone is bad input. */
function pairedTarget(raw: Raw, idFlag: string, typeFlag: string): { id: string; resourceType: string } | undefined {
  const id = optionalString(raw[camel(idFlag)]);
  const resourceType = optionalString(raw[camel(typeFlag)]);
  if (id === undefined && resourceType === undefined) return undefined;
  if (!id || !resourceType) throw new UsageError(`--${idFlag} and --${typeFlag} must be given together`);
  return { id, resourceType };
}

function createAccountRequest(raw: Raw): ConnectorConfig["createAccount"] {
  const login = optionalString(raw.createAccountLogin);
  const email = optionalString(raw.createAccountEmail);
  const profileText = optionalString(raw.createAccountProfile);
  const resourceType = optionalString(raw.createAccountResourceType);
  if (login === undefined && email === undefined && profileText === undefined) {
    if (resourceType !== undefined) throw new UsageError("--create-account-resource-type needs --create-account-login, --create-account-email or --create-account-profile");
    return undefined;
  }
  let profile: Record<string, JsonValue> = {};
  if (profileText !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(profileText);
    } catch {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new UsageError('--create-account-profile must be a JSON object, e.g. {"email":"ada@example.com"}');
    }
    profile = parsed as Record<string, JsonValue>;
  }
  return { login, email, profile, resourceType };
}

/**
 * The target's directory must exist and be writable before any remote call is made. A sync replaces
 * --file, so an existing file that is not a .c1z (a typo in the path) is refused rather than destroyed.
 */
export async function checkOutputFile(file: string): Promise<void> {
  const problem = await targetProblem(resolve(file));
  if (problem) {
    const why = {
      "missing-dir": () => `directory ${problem.dir} does not exist (create it first, or pass another --file)`,
      "unreadable-dir": () => `${problem.dir} cannot be read (${problem.kind === "unreadable-dir" ? problem.detail : ""}; pass another --file)`,
      "not-a-dir": () => `${problem.dir} is not a directory (pass another --file)`,
      "is-directory": () => "it is a directory (pass a file path such as sync.c1z)",
      unwritable: () => `directory ${problem.dir} is not writable (pass --file in a directory you can write to)`,
    }[problem.kind]();
    throw new UsageError(`cannot write ${file}: ${why}`);
  }
  const head = readHead(file, C1Z_V1_MAGIC.length);
  if (head && head.length > 0 && !head.equals(C1Z_V1_MAGIC) && !head.equals(C1Z_V3_MAGIC)) {
    throw new UsageError(`${file} exists and is not a .c1z; a sync replaces --file, so it was left alone: pass another --file, or remove that file first`);
  }
}

/** The first `n` bytes of a file, or undefined when it cannot be read (absent). */
function readHead(file: string, n: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

function loadYaml(env: NodeJS.ProcessEnv, cwd: string): Raw {
  const explicit = env.BATON_CONFIG_PATH;
  const path = explicit ? resolve(cwd, explicit) : resolve(cwd, ".baton.yaml");
  if (explicit && !/\.ya?ml$/.test(explicit)) throw new UsageError(`BATON_CONFIG_PATH must name a .yaml or .yml file (got ${explicit})`);
  if (!existsSync(path)) {
    if (explicit) throw new UsageError(`BATON_CONFIG_PATH names ${explicit}, which does not exist`);
    return {};
  }
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, "utf8"));
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message.split("\n")[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) throw new UsageError(`${path} must be a mapping of flag names to values`);
  return doc as Raw;
}

function fromEnvValue(f: FieldSpec, value: string): unknown {
  if (f.type === "bool") return /^(1|true|yes|on)$/i.test(value.trim());
  return value;
}

function spec(name: string): FieldSpec {
  return FIELDS.find((f) => f.name === name)!;
}

function choice(raw: Raw, name: string): string {
  const f = spec(name);
  const value = String(raw[camel(name)]);
  if (f.choices && !f.choices.includes(value)) throw new UsageError(`--${name} must be one of ${f.choices.join(", ")} (got "${value}")`);
  return value;
}

export function numberField(raw: Raw, name: string): number {
  const f = spec(name);
  const rawValue = raw[camel(name)];
  const n = typeof rawValue === "number" ? rawValue : Number(String(rawValue).trim());
  const ok = Number.isFinite(n) && (f.type !== "int" || Number.isInteger(n)) && (f.min === undefined || n >= f.min) && (f.max === undefined || n <= f.max);
  if (!ok) throw new UsageError(`--${name} must be ${f.type === "int" ? "a whole number" : "a number"} from ${f.min} to ${f.max} (got "${String(rawValue)}")`);
  return n;
}

function optionalString(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

/**
 * --sync-resource-types, --skip-entitlements-and-grants and --skip-grants. A targeted sync of named
 * resources (--sync-resources) needs a per-resource lookup that LangSmith's types do not offer, so it is
 * refused rather than silently widened to a full sync.
 */
function syncSelection(raw: Raw): SyncSelection {
  if (optionalString(raw.syncResources)?.trim()) {
    throw new UsageError("--sync-resources (a targeted sync) is not supported by this connector: narrow the sync with --sync-resource-types instead");
  }
  if (raw.skipGrants === true) throw new UsageError("--skip-grants only applies with --sync-resources, which this connector does not support: use --skip-entitlements-and-grants for a resources-only sync");
  const resourceTypeIds = (optionalString(raw.syncResourceTypes) ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  try {
    selectTypes(RESOURCE_TYPE_REGISTRY, resourceTypeIds);
  } catch (err) {
    if (err instanceof UnknownResourceTypeError) throw new UsageError(`--sync-resource-types: ${err.message}`);
    throw err;
  }
  return { resourceTypeIds, skipEntitlementsAndGrants: raw.skipEntitlementsAndGrants === true, skipGrants: false };
}

// One table of every flag: commander options, BATON_* env names, .baton.yaml keys and the `config`
// schema are all derived from it, so they cannot drift apart.

import { DEFAULT_BASE_URL, DEFAULT_TIMEOUT_MS } from "../langsmith/index.js";

export type FieldType = "string" | "bool" | "int";

export interface FieldSpec {
  name: string;
  short?: string;
  type: FieldType;
  displayName: string;
  description: string;
  default?: string | number | boolean;
  required?: boolean;
  secret?: boolean;
  /** Hidden from --help, as Baton hides its one-shot action flags. */
  hidden?: boolean;
  /** Exported in `config` as an operator setting (is_ops) rather than a connector setting. */
  ops?: boolean;
  /** Connector-specific field (exported in `config`); standard Baton flags are not, unless ops. */
  connector?: boolean;
  choices?: string[];
  min?: number;
  max?: number;
  placeholder?: string;
}

import { DEFAULT_EXPIRING_WITHIN_DAYS, DEFAULT_UNUSED_FOR_DAYS } from "../connector/secrets/findings.js";

export const DEFAULT_REQUESTS_PER_SECOND = 25;
export const DEFAULT_MAX_IN_FLIGHT = 16;

export const FIELDS: FieldSpec[] = [
  // connector fields
  {
    name: "api-key",
    type: "string",
    displayName: "API key",
    description: "LangSmith organization-scoped service key (lsv2_sk_…) with Organization Admin",
    required: true,
    secret: true,
    connector: true,
    placeholder: "lsv2_sk_…",
  },
  {
    name: "organization-id",
    type: "string",
    displayName: "Organization ID",
    description: "LangSmith organization id (UUID), sent as X-Organization-Id",
    required: true,
    connector: true,
    placeholder: "00000000-0000-0000-0000-000000000000",
  },
  {
    name: "base-url",
    type: "string",
    displayName: "Base URL",
    description: "LangSmith API URL: https://api.smith.langchain.com (US, default), https://eu.api.smith.langchain.com, https://apac.api.smith.langchain.com, https://aws.api.smith.langchain.com, or https://<host> for self-hosted",
    default: DEFAULT_BASE_URL,
    connector: true,
  },
  {
    name: "requests-per-second",
    type: "int",
    displayName: "Requests per second",
    description: "Ceiling on LangSmith API requests started per second, retries included",
    default: DEFAULT_REQUESTS_PER_SECOND,
    min: 1,
    max: 10_000,
    connector: true,
  },
  {
    name: "max-in-flight",
    type: "int",
    displayName: "Requests in flight",
    description: "Ceiling on LangSmith API requests in flight at once",
    default: DEFAULT_MAX_IN_FLIGHT,
    min: 1,
    max: 256,
    connector: true,
  },
  {
    name: "membership-source",
    type: "string",
    displayName: "Membership source",
    description: "Where workspace memberships are read: auto (the org-wide member listing when it shows every workspace, else per workspace), platform, or workspace",
    default: "auto",
    choices: ["auto", "platform", "workspace"],
    connector: true,
  },
  {
    name: "org-role-provisioning",
    type: "bool",
    displayName: "Org role provisioning",
    description:
      "Let grants and revokes change members' organization roles (LangSmith keeps exactly one: a grant replaces it, a revoke sets Organization User); off by default, org roles are read-only",
    default: false,
    connector: true,
  },
  {
    name: "key-expiring-within-days",
    type: "int",
    displayName: "Key expiry warning (days)",
    description: "API keys expiring within this many days are flagged as expiring soon",
    default: DEFAULT_EXPIRING_WITHIN_DAYS,
    min: 1,
    max: 3650,
    connector: true,
  },
  {
    name: "key-unused-for-days",
    type: "int",
    displayName: "Unused key threshold (days)",
    description: "API keys not used for more than this many days are flagged as unused",
    default: DEFAULT_UNUSED_FOR_DAYS,
    min: 1,
    max: 3650,
    connector: true,
  },
  {
    name: "now",
    type: "string",
    displayName: "Now",
    description: "The time API-key findings are computed at (RFC 3339, e.g. 2025-07-01T00:00:00Z); default: the current time. For reproducible reviews",
  },
  // standard Baton flags that apply to this connector
  { name: "file", short: "f", type: "string", displayName: "File", description: "The path to the c1z file to sync with", default: "sync.c1z" },
  {
    name: "log-level",
    type: "string",
    displayName: "Log level",
    description: "The log level: debug, info, warn, error",
    default: "info",
    choices: ["debug", "info", "warn", "error"],
    ops: true,
  },
  { name: "log-format", type: "string", displayName: "Log format", description: "The output format for logs: json, console (default: console on a terminal, else json)", choices: ["json", "console"] },
  {
    name: "http-timeout-seconds",
    type: "int",
    displayName: "HTTP timeout (seconds)",
    description: "Per-request timeout for LangSmith API calls",
    default: DEFAULT_TIMEOUT_MS / 1000,
    min: 1,
    max: 1800,
    ops: true,
  },
  { name: "provisioning", short: "p", type: "bool", displayName: "Provisioning", description: "Allow the connector to change access in LangSmith (grant and revoke)", default: false },
  { name: "grant-entitlement", type: "string", displayName: "Grant entitlement", description: "The id of the entitlement to grant to the supplied principal", hidden: true },
  { name: "grant-principal", type: "string", displayName: "Grant principal", description: "The id of the resource to grant the entitlement to", hidden: true },
  { name: "grant-principal-type", type: "string", displayName: "Grant principal type", description: "The resource type of the principal to grant the entitlement to", default: "user", hidden: true },
  { name: "revoke-grant", type: "string", displayName: "Revoke grant", description: "The grant to revoke", hidden: true },
  { name: "create-account-login", type: "string", displayName: "Create account login", description: "The login of the account to create", hidden: true },
  { name: "create-account-email", type: "string", displayName: "Create account email", description: "The email of the account to create", hidden: true },
  { name: "create-account-profile", type: "string", displayName: "Create account profile", description: "The profile (a JSON object) of the account to create", hidden: true },
  { name: "create-account-resource-type", type: "string", displayName: "Create account resource type", description: "The resource type of the account to create", hidden: true },
  { name: "delete-resource", type: "string", displayName: "Delete resource", description: "The id of the resource to delete", hidden: true },
  { name: "delete-resource-type", type: "string", displayName: "Delete resource type", description: "The resource type of the resource to delete", hidden: true },
  { name: "rotate-credentials", type: "string", displayName: "Rotate credentials", description: "The id of the resource whose credentials to rotate", hidden: true },
  { name: "rotate-credentials-type", type: "string", displayName: "Rotate credentials type", description: "The resource type of the resource whose credentials to rotate", hidden: true },
  {
    name: "rotate-credentials-public-key",
    type: "string",
    displayName: "Rotation public key",
    description: "The public JWK (Ed25519, EC or RSA) the new credential of --rotate-credentials is encrypted to: the JSON inline or the path of a file holding it",
  },
  // service mode (daemon against ConductorOne) and the sync options its tasks carry
  { name: "client-id", type: "string", displayName: "Client ID", description: "ConductorOne client id; setting it runs the connector as a daemon that takes its tasks from ConductorOne" },
  { name: "client-secret", type: "string", displayName: "Client secret", description: "ConductorOne client secret (secret-token:…)", secret: true },
  { name: "task-concurrency", type: "int", displayName: "Task concurrency", description: "Service mode: how many ConductorOne tasks run at once", default: 3, min: 1, max: 100 },
  { name: "skip-full-sync", type: "bool", displayName: "Skip full sync", description: "Service mode: answer sync tasks with an empty sync instead of reading LangSmith", default: false },
  { name: "c1z-temp-dir", type: "string", displayName: "c1z temp dir", description: "Service mode: existing directory for sync files awaiting upload (default: BATON_TMPDIR, else the OS temp dir)", hidden: true },
  { name: "health-check", type: "bool", displayName: "Health check", description: "Service mode: serve /live, /ready and /health over HTTP", default: false, ops: true },
  { name: "health-check-port", type: "int", displayName: "Health check port", description: "Port of the health check server", default: 8081, min: 1, max: 65535, ops: true },
  { name: "health-check-bind-address", type: "string", displayName: "Health check bind address", description: "Address the health check server listens on", default: "127.0.0.1", hidden: true, ops: true },
  { name: "sync-resource-types", type: "string", displayName: "Sync resource types", description: "Comma-separated resource type ids to sync (default: all)" },
  { name: "sync-resources", type: "string", displayName: "Sync resources", description: "Comma-separated resources to sync (a targeted sync), each <resource type>:<resource id> as in the .c1z" },
  { name: "skip-entitlements-and-grants", type: "bool", displayName: "Skip entitlements and grants", description: "Sync resources only", default: false },
  { name: "skip-grants", type: "bool", displayName: "Skip grants", description: "With --sync-resources: sync the resources and their entitlements but not their grants", default: false, hidden: true },
];

export function envName(field: string): string {
  return `BATON_${field.toUpperCase().replace(/-/g, "_")}`;
}

export function camel(field: string): string {
  return field.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * A local LangSmith simulator: a real HTTP server that behaves like LangSmith's
 * organization-management API for everything the connector touches. Never
 * imported by product code; tests and the demo start it in-process, and
 * `node dist/simulator/main.js` runs it standalone.
 */
import type { KeyEntry } from "./auth.js";
import { FaultInjector, RateLimiter, type FaultOptions, type RateLimitOptions } from "./faults.js";
import { generateOrg } from "./org-generator.js";
import { computeCounters, type Counters, type RequestLogEntry } from "./request-log.js";
import type { RoleNameStyle } from "./render.js";
import type { PlatformMembersMode } from "./routes/types.js";
import { SimServer, type FailRule, type ServerConfig } from "./server.js";
import { createState, groundTruth, type GroundTruth, type SimulatorState } from "./state.js";

export type { FaultKind, FaultOptions, RateLimitOptions } from "./faults.js";
export type { Counters, RequestLogEntry } from "./request-log.js";
export type {
  GroundTruth,
  GroundTruthUser,
  OrgMemberInfo,
  PendingInviteInfo,
  RoleInfo,
  SimulatorState,
  WorkspaceInfo,
  WorkspaceMemberInfo,
} from "./state.js";
export type { FailRule } from "./server.js";

/** A request the simulator holds (see Simulator.hold). */
export interface HeldRequest {
  /** Resolves with the log entry when the request arrives. */
  arrived: Promise<RequestLogEntry>;
  /** Resolves when the client has closed the connection (or the response was sent after release). */
  closed: Promise<void>;
  /** Lets the request proceed. */
  release(): void;
}
export { TENANT_REQUIRED_DETAIL, LEGACY_KEY_DETAIL } from "./auth.js";

export interface SimulatorOptions {
  /** Active org members (default 25). */
  users?: number;
  /** Regular (synced) workspaces; personal and deleted ones are added on top (default 4). */
  workspaces?: number;
  /** Seed of the org (default 1). Same seed ⇒ identical org, ids and keys included. */
  seed?: number;
  host?: string;
  port?: number;
  /** Fixed latency added to every request. */
  latencyMs?: number;
  faults?: FaultOptions;
  failAlways?: FailRule[];
  rateLimit?: RateLimitOptions;
  platformMembers?: PlatformMembersMode;
  roleNameStyle?: RoleNameStyle;
  pagination?: { repeatPages?: boolean };
}

export interface SimulatorKeys {
  /** Org-scoped service key, Organization Admin (+ workspace Admin). */
  admin: string;
  /** Personal access token of an Org Admin (user 0). */
  pat: string;
  /** Org-scoped service key with Organization Viewer and no workspace role (lacks workspaces:read). */
  viewer: string;
  /** Service key scoped to the first regular workspace (Admin there). */
  workspaceScoped: string;
  /** Admin service key of a different organization. */
  otherOrg: string;
}

export interface Simulator {
  url: string;
  orgId: string;
  keys: SimulatorKeys;
  state: SimulatorState;
  truth(): GroundTruth;
  requests: RequestLogEntry[];
  counters(): Counters;
  resetLog(): void;
  setFaults(f: SimulatorOptions["faults"] | undefined): void;
  setFailAlways(f: SimulatorOptions["failAlways"]): void;
  setRateLimit(r: SimulatorOptions["rateLimit"] | undefined): void;
  /** Holds the next request matching `rule` until released or until the client goes away. */
  hold(rule: { method?: string; path: string | RegExp }): HeldRequest;
  close(): Promise<void>;
}

function checkOptions(opts: SimulatorOptions): void {
  const positiveInt = (name: string, v: number | undefined): void => {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new RangeError(`simulator: ${name} must be a positive integer, got ${v}`);
  };
  positiveInt("users", opts.users);
  positiveInt("workspaces", opts.workspaces);
  if (opts.seed !== undefined && !Number.isInteger(opts.seed)) throw new RangeError(`simulator: seed must be an integer, got ${opts.seed}`);
  if (opts.faults && !(opts.faults.rate >= 0 && opts.faults.rate <= 1)) throw new RangeError(`simulator: faults.rate must be within 0..1, got ${opts.faults.rate}`);
  if (opts.rateLimit && !(opts.rateLimit.requestsPerSecond > 0)) throw new RangeError("simulator: rateLimit.requestsPerSecond must be > 0");
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  checkOptions(opts);
  const seed = opts.seed ?? 1;
  const main = generateOrg({ users: opts.users ?? 25, workspaces: opts.workspaces ?? 4, seed });
  const other = generateOrg({ users: 3, workspaces: 1, seed, stream: 1, displayName: `Other Org ${seed}` });

  const keyMap = new Map<string, KeyEntry>();
  for (const store of [main.store, other.store]) for (const key of store.keys) keyMap.set(key.key, { store, key });

  const log: RequestLogEntry[] = [];
  const config: ServerConfig = {
    keys: keyMap,
    settings: {
      roleNameStyle: opts.roleNameStyle ?? "name",
      repeatPages: opts.pagination?.repeatPages ?? false,
      platformMembers: opts.platformMembers ?? "full",
    },
    latencyMs: opts.latencyMs ?? 0,
    faults: opts.faults ? new FaultInjector(opts.faults) : null,
    failAlways: [...(opts.failAlways ?? [])],
    rateLimiter: opts.rateLimit ? new RateLimiter(opts.rateLimit) : null,
    log,
    holds: [],
  };
  const server = new SimServer(config);
  const host = opts.host ?? "127.0.0.1";
  const { port } = await server.listen(opts.port ?? 0, host);
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    orgId: main.store.id,
    keys: { ...main.keys, otherOrg: other.keys.admin },
    state: createState(main.store),
    truth: () => groundTruth(main.store),
    requests: log,
    counters: () => computeCounters(log),
    resetLog: () => {
      log.length = 0;
    },
    setFaults: (f) => {
      if (f) checkOptions({ faults: f });
      config.faults = f ? new FaultInjector(f) : null;
    },
    setFailAlways: (f) => {
      config.failAlways = [...(f ?? [])];
    },
    setRateLimit: (r) => {
      if (r) checkOptions({ rateLimit: r });
      config.rateLimiter = r ? new RateLimiter(r) : null;
    },
    hold: (rule) => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let arrive!: (e: RequestLogEntry) => void;
      const arrived = new Promise<RequestLogEntry>((resolve) => (arrive = resolve));
      let closedResolve!: (p: Promise<void>) => void;
      const closed = new Promise<Promise<void>>((resolve) => (closedResolve = resolve)).then((p) => p);
      config.holds.push({
        ...rule,
        released,
        onArrived: (entry, clientClosed) => {
          closedResolve(clientClosed);
          arrive(entry);
        },
      });
      return { arrived, closed, release };
    },
    close: () => server.close(),
  };
}

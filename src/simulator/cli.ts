/**
 * Command line of the standalone simulator (see main.ts).
 */
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { startSimulator, type FaultKind, type SimulatorOptions } from "./index.js";

export const HELP = `Usage: node dist/simulator/main.js [options]

  --users N               active org members (default 25)
  --workspaces N          regular workspaces; 1+ personal and 1+ deleted are added (default 4)
  --seed N                seed of the generated org (default 1)
  --host HOST             listen address (default 127.0.0.1)
  --port N                listen port (default 0 = any free port)
  --latency-ms N          fixed latency added to every request
  --fault-rate R          probability 0..1 that a matching request is faulted
  --fault-seed N          seed of the fault sequence (default 1)
  --fault-kinds LIST      comma list of 429,500,502,503,drop,slow (default all)
  --fault-methods LIST    comma list of methods that can be faulted (default GET)
  --rate-limit N          server-side limit in requests per second (429 + Retry-After)
  --platform-members M    full | limited | absent (default full)
  --role-name-style S     name | display_name (default name)
  --repeat-pages          misbehave: ignore offset and always serve the first page
  --pat-listing M         org-wide PAT listing: available | forbidden (403) | absent (404) (default available)
  --service-accounts M    /api/v1/service-accounts: available | absent (default available)
  -h, --help              this text
`;

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} expects a number, got ${JSON.stringify(v)}`);
  return n;
}

function oneOf<T extends string>(name: string, v: string | undefined, values: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) throw new Error(`--${name} must be one of ${values.join(", ")}`);
  return v as T;
}

export function parseOptions(argv: string[]): SimulatorOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      users: { type: "string" },
      workspaces: { type: "string" },
      seed: { type: "string" },
      host: { type: "string" },
      port: { type: "string" },
      "latency-ms": { type: "string" },
      "fault-rate": { type: "string" },
      "fault-seed": { type: "string" },
      "fault-kinds": { type: "string" },
      "fault-methods": { type: "string" },
      "rate-limit": { type: "string" },
      "platform-members": { type: "string" },
      "role-name-style": { type: "string" },
      "repeat-pages": { type: "boolean" },
      "pat-listing": { type: "string" },
      "service-accounts": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const opts: SimulatorOptions = {
    users: num("users", values.users),
    workspaces: num("workspaces", values.workspaces),
    seed: num("seed", values.seed),
    host: values.host,
    port: num("port", values.port),
    latencyMs: num("latency-ms", values["latency-ms"]),
    platformMembers: oneOf("platform-members", values["platform-members"], ["full", "limited", "absent"] as const),
    roleNameStyle: oneOf("role-name-style", values["role-name-style"], ["name", "display_name"] as const),
    pagination: values["repeat-pages"] ? { repeatPages: true } : undefined,
    patListing: oneOf("pat-listing", values["pat-listing"], ["available", "forbidden", "absent"] as const),
    serviceAccounts: oneOf("service-accounts", values["service-accounts"], ["available", "absent"] as const),
  };
  const rate = num("fault-rate", values["fault-rate"]);
  if (rate !== undefined && rate > 0) {
    opts.faults = {
      rate,
      seed: num("fault-seed", values["fault-seed"]),
      kinds: values["fault-kinds"]?.split(",").map((s) => s.trim() as FaultKind),
      methods: values["fault-methods"]?.split(",").map((s) => s.trim().toUpperCase()),
    };
  }
  const rps = num("rate-limit", values["rate-limit"]);
  if (rps !== undefined && rps > 0) opts.rateLimit = { requestsPerSecond: rps };
  return opts;
}

/** Parses argv, starts the simulator, prints its banner, serves until SIGINT/SIGTERM. */
export async function runCli(argv: string[]): Promise<void> {
  let opts: SimulatorOptions | "help";
  try {
    opts = parseOptions(argv);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
    process.exit(2);
  }
  if (opts === "help") {
    process.stdout.write(HELP);
    return;
  }
  const t0 = performance.now();
  const sim = await startSimulator(opts);
  const built = performance.now() - t0;
  const t = sim.truth();
  const c = t.counts;
  process.stdout.write(
    [
      `LangSmith simulator listening on ${sim.url}  (API under ${sim.url}/api/v1)`,
      `organization id: ${sim.orgId}`,
      `admin key (org-scoped service key, Organization Admin): ${sim.keys.admin}`,
      `other keys: pat=${sim.keys.pat} viewer=${sim.keys.viewer} workspaceScoped=${sim.keys.workspaceScoped} otherOrg=${sim.keys.otherOrg}`,
      "",
      `Ground truth: ${c.users} active org members (${c.disabledUsers} disabled, ${c.orgAdmins} org admins), ` +
        `${c.workspaces} synced workspaces (plus ${t.excludedWorkspaces.personal} personal and ${t.excludedWorkspaces.deleted} deleted, ` +
        `which a sync must skip), ${c.roles} roles (${c.customRoles} custom), ${c.workspaceMemberships} workspace memberships in the synced ` +
        `workspaces, ${c.pendingInvites} pending org invites (${c.workspacePendingInvites} workspace-level pending rows). ` +
        `Built in ${Math.round(built)} ms.`,
      "",
      "Press Ctrl+C to stop.",
      "",
    ].join("\n"),
  );
  // Keep a long-running standalone server's request log bounded.
  setInterval(() => {
    if (sim.requests.length > 100_000) sim.resetLog();
  }, 10_000).unref();
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}


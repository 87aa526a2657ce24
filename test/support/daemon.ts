// Starts the real CLI as a service-mode daemon against the fake ConductorOne and the LangSmith simulator.
import { type ChildProcess, spawn } from "node:child_process";
import { after, before } from "node:test";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../src/simulator/index.js";
import { BIN, cleanEnv, tmpDir } from "./cli.js";
import { FakeConductorOne } from "./fake-c1.js";

export interface DaemonProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** JSON log lines parsed so far. */
  logs(): Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startDaemon(
  fake: FakeConductorOne,
  creds: { clientId: string; clientSecret: string },
  langsmith: { url: string; apiKey: string; orgId: string },
  opts: { args?: string[]; env?: Record<string, string | undefined>; cwd?: string; killAfterMs?: number } = {},
): DaemonProcess {
  const env = cleanEnv({
    NODE_EXTRA_CA_CERTS: fake.ca.caPemPath,
    BATON_CLIENT_ID: creds.clientId,
    BATON_CLIENT_SECRET: creds.clientSecret,
    BATON_HOST_ID: "test-host",
    BATON_API_KEY: langsmith.apiKey,
    BATON_ORGANIZATION_ID: langsmith.orgId,
    HTTPS_PROXY: undefined,
    https_proxy: undefined,
    ...opts.env,
  });
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v === undefined) delete env[k];
  const child = spawn(process.execPath, [BIN, "--base-url", langsmith.url, ...(opts.args ?? [])], { cwd: opts.cwd ?? tmpDir(), env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  // A safety net for a hung test, not a verdict; long runs (the benchmark) raise it.
  const killer = setTimeout(() => child.kill("SIGKILL"), opts.killAfterMs ?? 300_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal });
    }),
  );
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    logs: () =>
      stderr
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    exited,
    stop(signal = "SIGTERM") {
      child.kill(signal);
      return exited;
    },
  };
}

/**
 * A describe block's LangSmith simulator, fake ConductorOne and client credentials: started before its tests,
 * closed after them, with every daemon `start` launched killed if it is still running.
 */
export interface ServiceHarness {
  readonly sim: Simulator;
  readonly fake: FakeConductorOne;
  readonly creds: { clientId: string; clientSecret: string };
  /** A daemon against `sim` (or another simulator), with extra flags and environment. */
  start(args?: string[], env?: Record<string, string | undefined>, sim?: Simulator): DaemonProcess;
}

export function serviceHarness(org: SimulatorOptions): ServiceHarness {
  let sim: Simulator;
  let fake: FakeConductorOne;
  let creds: { clientId: string; clientSecret: string };
  const daemons: DaemonProcess[] = [];
  before(async () => {
    sim = await startSimulator(org);
    fake = await FakeConductorOne.start();
    creds = fake.newCredentials();
  });
  after(async () => {
    for (const d of daemons) if (d.child.exitCode === null && d.child.signalCode === null) await d.stop("SIGKILL");
    await fake?.close();
    await sim?.close();
  });
  return {
    get sim() {
      return sim;
    },
    get fake() {
      return fake;
    },
    get creds() {
      return creds;
    },
    start(args = [], env = {}, s = sim) {
      const d = startDaemon(fake, creds, { url: s.url, apiKey: s.keys.admin, orgId: s.orgId }, { args, env });
      daemons.push(d);
      return d;
    },
  };
}

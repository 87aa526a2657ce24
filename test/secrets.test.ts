// The API key never leaves the process except in the X-API-Key header: every command path (sync, grant, revoke,
// capabilities, config, help, and a failure of every error class) runs at --log-level debug in both log formats,
// and neither the key nor its secret part appears in stdout, stderr or the .c1z (compressed or not).
// Errors thrown by the client carry no key either, however they are printed later.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { copyFileSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { inspect } from "node:util";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { LangSmithClient, type LangSmithError } from "../src/langsmith/index.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../src/simulator/index.js";
import type { CliResult } from "./support/cli.js";
import { tmpDir } from "./support/cli.js";
import { closedPort, inParallel, run, simEnv } from "./support/robustness.js";
import { call } from "./support/sim-http.js";
import { startDaemon } from "./support/daemon.js";
import { FakeConductorOne } from "./support/fake-c1.js";

const ORG = { users: 12, workspaces: 3, seed: 71 };
/** Well-formed, recognisable, unknown to LangSmith (401). */
const STRANGER_KEY = "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";

/** The ways a key could show up: whole, its secret part without the `lsv2_…_` prefix, or a long piece of it. */
function leaksOf(text: string | Buffer, key: string): string[] {
  const secret = key.replace(/^lsv2_(sk|pt)_/, "");
  const needles = [key, secret, secret.slice(0, 16), secret.slice(-16)];
  return needles.filter((n) => text.includes(n));
}

/** The raw .c1z and the SQLite database inside it. */
async function c1zBytes(file: string): Promise<Buffer[]> {
  const reader = await C1zReader.open(file);
  try {
    return [readFileSync(file), readFileSync(reader.dbPath)];
  } finally {
    reader.close();
  }
}

interface Ctx {
  sim: Simulator;
  dir: string;
  file: string;
  ws: string;
  user: string;
  editor: string;
  /** A service key made for the case (to delete or rotate). */
  target?: { id: string; key: string };
}

interface Path {
  name: string;
  /** The key on the command line or in the environment; defaults to the org's admin key. */
  key?: (c: Ctx) => string;
  sim?: SimulatorOptions;
  arrange?: (c: Ctx) => void | Promise<void>;
  args: (c: Ctx) => string[];
  /** How the key is passed: flag (default) or env. */
  via?: "flag" | "env";
  code: number;
  /** Proves the intended path ran (an error class's own wording, or the success output). */
  expect: RegExp;
  /** Writes a .c1z to check. */
  writes?: boolean;
  /** Fails before the log level is known (so no debug stack). */
  noStack?: boolean;
  /** Keys that exist only after the run (a rotated key), also checked. */
  keysAfter?: (c: Ctx, before: Set<string>) => string[];
}

/** The public half of a throw-away EC key: rotation encrypts to it; the test never decrypts here. */
const ROTATION_JWK = JSON.stringify(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" }));

async function makeTarget(c: Ctx, description: string): Promise<void> {
  const r = await call<{ id: string; key: string }>(c.sim, "/api/v1/orgs/current/service-keys", { method: "POST", body: { description, workspaces: [c.ws] } });
  assert.equal(r.status, 200, r.text);
  c.target = { id: r.body.id, key: r.body.key };
}

const rotate = (c: Ctx) => [...base(c), "-p", "--rotate-credentials", c.target!.id, "--rotate-credentials-type", "service_key", "--rotate-credentials-public-key", ROTATION_JWK];
const newKeys = (c: Ctx, before: Set<string>) => c.sim.truth().serviceKeys.filter((k) => !before.has(k.id)).map((k) => c.sim.state.keySecret(k.id));

const ent = (c: Ctx) => `workspace_role:${c.ws}:${c.editor}:assigned`;
const base = (c: Ctx) => ["--base-url", c.sim.url, "-f", c.file];

const paths: Path[] = [
  { name: "sync", args: base, code: 0, expect: /sync finished|Synced LangSmith/, writes: true },
  { name: "sync with the key in the environment", via: "env", args: base, code: 0, expect: /sync finished|Synced LangSmith/, writes: true },
  { name: "sync with a personal access token", key: (c) => c.sim.keys.pat, args: base, code: 0, expect: /personal access token/, writes: true },
  { name: "grant", args: (c) => [...base(c), "-p", "--grant-entitlement", ent(c), "--grant-principal", c.user], code: 0, expect: /added to the workspace|"result":"granted"/ },
  {
    name: "revoke",
    arrange: async (c) => {
      c.sim.state.setWorkspaceRole(c.ws, c.user, c.editor);
      const synced = await run([...base(c), "--log-format", "json"], { env: simEnv(c.sim) });
      assert.equal(synced.code, 0, synced.stderr);
    },
    args: (c) => [...base(c), "-p", "--revoke-grant", `${ent(c)}:user:${c.user}`],
    code: 0,
    expect: /no longer holds|"result":"revoked"/,
  },
  {
    name: "delete a service key",
    arrange: (c) => makeTarget(c, "to delete"),
    args: (c) => [...base(c), "-p", "--delete-resource", c.target!.id, "--delete-resource-type", "service_key"],
    code: 0,
    expect: /deleted service key|"deletion finished"/,
  },
  {
    name: "delete refused: the connector's own key",
    args: (c) => [...base(c), "-p", "--delete-resource", c.sim.truth().serviceKeys.find((k) => c.sim.state.keySecret(k.id) === c.sim.keys.admin)!.id, "--delete-resource-type", "service_key"],
    code: 1,
    expect: /refusing to delete service key/,
  },
  { name: "rotate a service key", arrange: (c) => makeTarget(c, "to rotate"), args: rotate, code: 0, expect: /rotated service key .* old key deleted/, keysAfter: newKeys },
  {
    name: "RotationIncompleteError (the old key cannot be deleted)",
    sim: { failAlways: [{ method: "DELETE", path: /\/service-keys\//, status: 500 }] },
    arrange: (c) => makeTarget(c, "to rotate, delete fails"),
    args: rotate,
    code: 1,
    expect: /was handed over, but deleting the old key/,
    keysAfter: newKeys,
  },
  {
    name: "RotationIncompleteError (creating the replacement fails)",
    arrange: async (c) => {
      await makeTarget(c, "to rotate, create fails");
      c.sim.setFailAlways([{ method: "POST", path: "/api/v1/orgs/current/service-keys", status: 503 }]);
    },
    args: rotate,
    code: 1,
    expect: /creating the replacement failed/,
    keysAfter: newKeys,
  },
  { name: "capabilities", via: "env", args: () => ["capabilities"], code: 0, expect: /ConnectorCapabilities/ },
  { name: "metadata", via: "env", args: () => ["metadata", "--org-role-provisioning"], code: 0, expect: /accountCreationSchema/ },
  { name: "sync with org-role provisioning", args: (c) => [...base(c), "--org-role-provisioning"], code: 0, expect: /sync finished|Synced LangSmith/, writes: true },
  { name: "create-account (invites)", args: (c) => [...base(c), "-p", "--create-account-email", "secret.check@example.com", "--create-account-profile", JSON.stringify({ workspaces: [c.ws] })], code: 0, expect: /they must accept the invitation/ },
  { name: "create-account of a member", args: (c) => [...base(c), "-p", "--create-account-email", c.sim.state.orgMembers().find((m) => m.lsUserId === c.user)!.email], code: 0, expect: /already a member/ },
  { name: "delete a user", args: (c) => [...base(c), "-p", "--delete-resource", c.user, "--delete-resource-type", "user"], code: 0, expect: /workspace memberships went with it/ },
  { name: "delete an invitation", args: (c) => [...base(c), "-p", "--delete-resource", c.sim.state.pendingInvites()[0]!.id, "--delete-resource-type", "invitation"], code: 0, expect: /cancelled the invitation/ },
  {
    name: "org-role grant",
    args: (c) => [...base(c), "--org-role-provisioning", "-p", "--grant-entitlement", `org_role:${c.sim.state.role("ORGANIZATION_VIEWER").id}:assigned`, "--grant-principal", c.user],
    code: 0,
    expect: /now holds|"result":"replaced"/,
  },
  { name: "AccountRequestError", args: (c) => [...base(c), "-p", "--create-account-email", "not an email"], code: 2, expect: /is not an email address/ },
  { name: "config", via: "env", args: () => ["config"], code: 0, expect: /"api-key"/ },
  { name: "help", args: () => ["--help"], code: 0, expect: /--api-key/ },
  // ---- failures, one per error class
  { name: "AuthenticationError (401)", key: () => STRANGER_KEY, args: base, code: 1, expect: /rejected the API key/ },
  { name: "PermissionError (wrong organization)", args: (c) => [...base(c), "--organization-id", "0b7d3c1e-5a4f-4e2b-9c8d-7f6e5d4c3b2a"], code: 1, expect: /does not belong to the organization/ },
  { name: "PermissionError (missing permission)", key: (c) => c.sim.keys.viewer, args: base, code: 1, expect: /lacks the permission/ },
  { name: "NotFoundError (404)", sim: { failAlways: [{ path: "/api/v1/orgs/current/roles", status: 404 }] }, args: base, code: 1, expect: /has no such object/ },
  { name: "ValidationError (422)", sim: { failAlways: [{ path: "/api/v1/orgs/current/roles", status: 422, body: { detail: [{ loc: ["query", "x"], msg: "bad" }] } }] }, args: base, code: 1, expect: /rejected the request as invalid/ },
  { name: "BadRequestError (400)", sim: { failAlways: [{ path: "/api/v1/orgs/current/roles", status: 400 }] }, args: base, code: 1, expect: /LangSmith rejected the request —/ },
  {
    name: "ConflictError (409) and ProvisioningPreconditionError",
    sim: { failAlways: [{ method: "POST", path: "/api/v1/workspaces/current/members", status: 409, body: { detail: "User is already a member of this workspace" } }] },
    args: (c) => [...base(c), "-p", "--grant-entitlement", ent(c), "--grant-principal", c.user],
    code: 1,
    expect: /refused to add .* reported a conflict/,
  },
  { name: "RateLimitedError (429)", sim: { failAlways: [{ path: "/api/v1/orgs/current/roles", status: 429 }] }, args: base, code: 1, expect: /rate limit hit and retries ran out/ },
  { name: "ServerError (500)", sim: { failAlways: [{ path: "/api/v1/orgs/current/roles", status: 500, body: { detail: "boom" } }] }, args: base, code: 1, expect: /server error and retries ran out/ },
  { name: "TimeoutError", sim: { latencyMs: 1500 }, args: (c) => [...base(c), "--http-timeout-seconds", "1"], code: 1, expect: /did not answer within 1 s/ },
  {
    name: "NetworkError",
    arrange: async (c) => void (c.sim = { ...c.sim, url: `http://127.0.0.1:${await closedPort()}` }),
    args: base,
    code: 1,
    expect: /Could not reach LangSmith/,
  },
  { name: "UnexpectedResponseError (HTML)", args: (c) => [...base(c), "--base-url", `${c.sim.url}/ui`], code: 1, expect: /HTML page instead of JSON/ },
  { name: "PaginationLoopError", sim: { users: 1100, pagination: { repeatPages: true } }, args: base, code: 1, expect: /pagination loop/ },
  { name: "ConfigurationError", key: (c) => c.sim.keys.viewer, args: (c) => [...base(c), "--membership-source", "platform"], code: 1, expect: /--membership-source platform/ },
  { name: "ProvisioningRefusedError", args: (c) => [...base(c), "-p", "--grant-entitlement", `org_role:${c.sim.state.role("ORGANIZATION_ADMIN").id}:assigned`, "--grant-principal", c.user], code: 1, expect: /read-only/ },
  {
    name: "ProvisioningPreconditionError (no longer a member)",
    arrange: (c) => void c.sim.state.removeOrgMember(c.user),
    args: (c) => [...base(c), "-p", "--grant-entitlement", ent(c), "--grant-principal", c.user],
    code: 1,
    expect: /not an active member/,
  },
  { name: "C1zError (--file not a .c1z)", arrange: (c) => writeFileSync(c.file, "not a c1z"), args: (c) => [...base(c), "-p", "--revoke-grant", "x"], code: 2, expect: /is not a \.c1z file/ },
  { name: "UsageError naming a flag given the key", args: (c) => [...base(c), "--organization-id", c.sim.keys.admin], code: 2, expect: /is not a UUID/ },
  { name: "UsageError: the key as --base-url", args: (c) => ["-f", c.file, "--base-url", c.sim.keys.admin], code: 2, expect: /--base-url/ },
  { name: "UsageError: the key as --log-level", args: (c) => [...base(c), "--log-level", c.sim.keys.admin], code: 2, expect: /--log-level must be one of/, noStack: true },
  { name: "command-line error: the key as an argument", args: (c) => [...base(c), c.sim.keys.admin], code: 2, expect: /error: (too many arguments|unknown command)/, noStack: true },
];

describe("the API key never appears in any output", () => {
  let goodFile: string;
  before(async () => {
    const sim = await startSimulator(ORG);
    try {
      goodFile = join(tmpDir(), "good.c1z");
      const res = await run(["--base-url", sim.url, "-f", goodFile, "--log-format", "json"], { env: simEnv(sim) });
      assert.equal(res.code, 0, res.stderr);
    } finally {
      await sim.close();
    }
  });

  it("the leak detector finds a key, its secret part and pieces of it", () => {
    const key = "lsv2_sk_0123456789abcdef0123456789abcdef_0123456789";
    assert.equal(leaksOf(`x ${key} y`, key).length, 4);
    assert.deepEqual(leaksOf("lsv2_sk_[REDACTED]", key), []);
    assert.equal(leaksOf("…89abcdef0123456789abcdef_01…", key).length, 1);
  });

  it("every command path at --log-level debug, in both log formats", async (t) => {
    // The cases that wait out retries start first, so the quick ones run meanwhile.
    const slow = /TimeoutError|NetworkError|ServerError|RateLimitedError/;
    const ordered = [...paths.filter((p) => slow.test(p.name)), ...paths.filter((p) => !slow.test(p.name))];
    const runs = ordered.flatMap((p) => (["json", "console"] as const).map((format) => ({ p, format })));
    const outcomes = await inParallel(runs, 6, async ({ p, format }) => {
      const sim = await startSimulator({ ...ORG, ...p.sim });
      try {
        const dir = tmpDir();
        const file = join(dir, "sync.c1z");
        copyFileSync(goodFile, file);
        const ws = sim.truth().workspaces[0]!.id;
        const inWs = new Set(sim.state.workspaceMembers(ws).map((m) => m.lsUserId));
        const ctx: Ctx = {
          sim,
          dir,
          file,
          ws,
          user: sim.state.orgMembers().find((m) => !m.disabled && !inWs.has(m.lsUserId))!.lsUserId,
          editor: sim.state.role("WORKSPACE_USER").id,
        };
        await p.arrange?.(ctx);
        const before = new Set(sim.truth().serviceKeys.map((k) => k.id));
        const key = p.key?.(ctx) ?? sim.keys.admin;
        const keyArgs = p.via === "env" ? [] : ["--api-key", key];
        const env: Record<string, string> = { BATON_ORGANIZATION_ID: sim.orgId, ...(p.via === "env" && { BATON_API_KEY: key }) };
        // The path's own flags come last, so a case about --log-level keeps its value.
        const res = await run([...keyArgs, "--log-level", "debug", "--log-format", format, ...p.args(ctx)], { env, cwd: dir });
        const files = p.writes && res.code === 0 ? await c1zBytes(file) : [];
        // Every file the run could have left in its working directory is checked too.
        for (const name of readdirSync(dir)) if (statSync(join(dir, name)).isFile()) files.push(readFileSync(join(dir, name)));
        const others = [...(ctx.target ? [ctx.target.key] : []), ...(p.keysAfter?.(ctx, before) ?? [])];
        return { p, format, key, res, files, others };
      } finally {
        await sim.close();
      }
    });
    for (const o of outcomes) {
      await t.test(`${o.p.name} (${o.format})`, () => {
        const res: CliResult = o.res;
        const all = `${res.stdout}\n${res.stderr}`;
        assert.equal(res.code, o.p.code, all);
        assert.match(all, o.p.expect, "the intended path ran");
        if (o.p.code !== 0 && !o.p.noStack) {
          // Failures print their stack at debug level: the most verbose path is the one checked.
          assert.match(all, o.format === "json" ? /"stack":/ : /\n\s+at /, "debug output includes the stack");
        }
        if (o.p.keysAfter && o.p.code === 0) assert.ok(o.others.length >= 2, "the rotated key exists and is checked");
        for (const key of new Set([o.key, STRANGER_KEY, ...o.others])) {
          assert.deepEqual(leaksOf(all, key), [], "key in stdout/stderr");
          for (const bytes of o.files) assert.deepEqual(leaksOf(bytes, key), [], "key in the .c1z");
        }
        if (o.p.writes) assert.ok(o.files.length >= 2, "the .c1z was written and checked");
      });
    }
  });
});

describe("errors thrown by the client carry no key, however they are printed", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ ...ORG, users: 1100, pagination: { repeatPages: true } });
  });
  after(async () => sim?.close());

  it("message, stack, properties, cause chain, JSON and util.inspect of every error class", async () => {
    const key = sim.keys.admin;
    const client = (o: Partial<ConstructorParameters<typeof LangSmithClient>[0]> = {}) =>
      new LangSmithClient({ apiKey: key, organizationId: sim.orgId, baseUrl: sim.url, retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 }, ...o });
    const errors: Array<[string, unknown]> = [];
    const capture = async (name: string, p: Promise<unknown>) => errors.push([name, await p.then(() => assert.fail(`${name}: no error`), (e: unknown) => e)]);
    const echo = (status: number) => [{ path: "/api/v1/orgs/current/roles", status, body: { detail: `bad key ${key} (${key.slice(8)})` } }];

    await capture("401", client({ apiKey: STRANGER_KEY }).listRoles());
    await capture("403", client({ organizationId: "0b7d3c1e-5a4f-4e2b-9c8d-7f6e5d4c3b2a" }).listRoles());
    for (const status of [400, 404, 409, 422, 429, 500, 503]) {
      sim.setFailAlways(echo(status)); // the server echoes the key back in its error body
      await capture(String(status), client().listRoles());
    }
    sim.setFailAlways([{ path: "/api/v1/orgs/current/roles", status: 502, body: `<html>upstream refused ${key}</html>` }]);
    await capture("502 html", client().listRoles());
    sim.setFailAlways([{ path: "/api/v1/orgs/current/roles", status: 500, body: `plain text ${key}` }]);
    await capture("500 text", client().listRoles());
    sim.setFailAlways([]);
    await capture("html 200", client({ baseUrl: `${sim.url}/ui` }).listRoles());
    await capture("network", client({ baseUrl: `http://127.0.0.1:${await closedPort()}` }).listRoles());
    sim.setFaults({ rate: 1, kinds: ["slow"], slowMs: 3_600_000 }); // never answers: the timeout fires at any speed
    await capture("timeout", client({ timeoutMs: 200 }).listRoles());
    sim.setFaults(undefined);
    await capture("loop", (async () => {
      for await (const _ of client().iterateOrgMembers()) void _;
    })());

    assert.ok(errors.length >= 14);
    for (const [name, err] of errors) {
      const e = err as LangSmithError;
      assert.ok(e instanceof Error && e.name !== "AssertionError", `${name}: ${String(err)}`);
      const renderings = [
        e.message,
        String(e.stack),
        String(e),
        JSON.stringify(e),
        JSON.stringify(e.detail ?? null),
        inspect(e, { depth: null, showHidden: true }),
        String(e.cause),
        inspect(e.cause, { depth: null, showHidden: true }),
      ].join("\n");
      for (const k of [key, STRANGER_KEY]) assert.deepEqual(leaksOf(renderings, k), [], `${name} (${e.name}) leaks the key`);
    }
    // The echoed bodies did reach the errors, redacted.
    assert.match((errors.find(([n]) => n === "500")![1] as LangSmithError).message, /bad key \[REDACTED\] \(\[REDACTED\]\)/);
  });
});

describe("service mode keeps the client secret, access tokens and the LangSmith key out of every output", { timeout: 300_000 }, () => {
  let sim: Simulator;
  let fake: FakeConductorOne;
  before(async () => {
    sim = await startSimulator(ORG);
    fake = await FakeConductorOne.start();
    // Tokens live less than the 10 s reuse margin: every call fetches a new one, so many tokens are in play
    // however fast the machine is.
    fake.script.tokenLifetimeSeconds = 5;
  });
  after(async () => {
    await fake?.close();
    await sim?.close();
  });

  for (const format of ["json", "console"]) {
    it(`at --log-level debug with ${format} logs: syncs, a refused grant, an unsupported task, a failed token fetch, SIGTERM`, async () => {
      const creds = fake.newCredentials();
      const jwk = JSON.parse(Buffer.from(creds.clientSecret.split(":")[3]!, "base64url").toString("utf8")) as { d: string };
      const sync = fake.enqueue({ taskType: { case: "syncFull", value: {} } });
      const grant = fake.enqueue({ taskType: { case: "grant", value: {} } });
      const other = fake.enqueue({ taskType: { case: "eventFeed", value: {} } });
      const d = startDaemon(fake, creds, { url: sim.url, apiKey: sim.keys.admin, orgId: sim.orgId }, { args: ["--log-level", "debug", "--log-format", format] });
      for (const id of [sync, grant, other]) await fake.waitFor(() => fake.finishOf(id), "finish");
      fake.script.tokenFaults.push({ status: 500, body: JSON.stringify({ error: "scripted", echo: creds.clientSecret }) });
      const polls = fake.getTaskCalls;
      await fake.waitFor(() => fake.tokenRequests.some((t) => t.reason === undefined && !t.ok) || undefined, "failed token fetch");
      await fake.waitFor(() => fake.getTaskCalls > polls || undefined, "recovery");
      assert.equal((await d.stop()).code, 0, d.stderr);
      const tokens = [...new Set(fake.rpcs.map((r) => r.token).filter(Boolean))];
      assert.ok(tokens.length > 1, "several access tokens were issued");
      const upload = Buffer.concat(fake.uploadsOf(sync).map((u) => u.data));
      const finishes = fake.finishes.map((f) => JSON.stringify(f.request.status ?? {})).join("\n");
      for (const [name, text] of [
        ["output", d.stdout + d.stderr],
        ["FinishTask statuses", finishes],
        ["upload", upload],
      ] as const) {
        for (const secret of [creds.clientSecret, creds.clientSecret.split(":")[3]!, jwk.d, ...tokens]) assert.ok(!text.includes(secret), `${name} holds a ConductorOne secret`);
        assert.deepEqual(leaksOf(text, sim.keys.admin), [], `${name} holds the LangSmith key`);
      }
    });
  }
});

// Bad input, one table: each case runs the real CLI against its own simulator (same seed, so the same ids)
// and checks the exit code, the one-line message (what is wrong and what to do), that nothing changed in
// LangSmith, and that nothing was half-written next to --file.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { assertMatchesTruth, readC1z } from "./support/c1z-content.js";
import { tmpDir } from "./support/cli.js";
import { closedPort, dirState, failureLines, inParallel, remoteState, run, simEnv, worldReadableCli, writesOf } from "./support/robustness.js";

const ORG = { users: 14, workspaces: 3, seed: 55 };
const IS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

interface Ctx {
  sim: Simulator;
  /** --base-url (the simulator's, unless the case changes it). */
  baseUrl: string;
  dir: string;
  /** --file: a copy of a good .c1z of this org, unless the case replaces it. */
  file: string;
  ws: string;
  wsRole: string;
  /** An org member who is not in `ws`. */
  outsider: string;
  /** A member of `ws` (holding `memberRole` there). */
  member: string;
  memberRole: string;
}

interface Case {
  name: string;
  /** Flags after the common ones (--base-url, --log-format console, -f <file>). */
  args?: (c: Ctx) => string[];
  /** Replaces the default environment (admin key and org id). */
  env?: (c: Ctx) => Record<string, string>;
  arrange?: (c: Ctx) => void | Promise<void>;
  /** Drop the common flags (for cases about them). */
  bare?: (c: Ctx) => string[];
  code: number;
  /** What is wrong. */
  says: RegExp;
  /** What to do. */
  todo: RegExp;
  /** "none": no request reached LangSmith at all; "reads": only reads. */
  requests: "none" | "reads";
  /** The run succeeds (the PAT case): these lines are expected on stderr instead of a failure. */
  succeeds?: boolean;
  uid?: number;
}

const ent = (c: Ctx, role = c.wsRole, ws = c.ws) => `workspace_role:${ws}:${role}:assigned`;
const grantArgs = (c: Ctx, principal: string, entitlement = ent(c)) => ["-p", "--grant-entitlement", entitlement, "--grant-principal", principal];

const cases: Case[] = [
  // ---- the key
  { name: "--now without a zone", args: () => ["--now", "2025-07-01 00:00"], code: 2, says: /--now must be an RFC 3339 time/, todo: /such as 2025-07-01T00:00:00Z/, requests: "none" },
  { name: "a finding threshold out of range", args: () => ["--key-unused-for-days", "0"], code: 2, says: /--key-unused-for-days must be a whole number from 1 to 3650/, todo: /got "0"/, requests: "none" },
  {
    name: "rotation without a public key",
    args: (c) => ["-p", "--rotate-credentials", c.sim.truth().serviceKeys[2]!.id, "--rotate-credentials-type", "service_key"],
    code: 2,
    says: /--rotate-credentials needs --rotate-credentials-public-key/,
    todo: /the public JWK \(inline JSON or a file path\)/,
    requests: "none",
  },
  {
    name: "rotation public key file missing",
    args: (c) => ["-p", "--rotate-credentials", c.sim.truth().serviceKeys[2]!.id, "--rotate-credentials-type", "service_key", "--rotate-credentials-public-key", join(c.dir, "nope.jwk")],
    code: 2,
    says: /cannot read --rotate-credentials-public-key from file .*no such file/,
    todo: /give a JWK file path, or the JWK JSON inline/,
    requests: "none",
  },
  {
    name: "rotating a key scoped to a deleted workspace",
    args: (c) => [
      "-p", "--rotate-credentials", c.sim.truth().serviceKeys.find((k) => k.description === "old experiments uploader")!.id, "--rotate-credentials-type", "service_key",
      "--rotate-credentials-public-key", JSON.stringify(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" })),
    ],
    code: 1,
    says: /is scoped to workspace "Old Experiments 1", which matches no live workspace/,
    todo: /nothing was rotated/,
    requests: "reads",
  },
  { name: "missing key", env: (c) => ({ BATON_ORGANIZATION_ID: c.sim.orgId }), code: 2, says: /missing API key/, todo: /--api-key or set BATON_API_KEY/, requests: "none" },
  { name: "empty key", env: (c) => simEnv(c.sim, ""), code: 2, says: /API key is empty/, todo: /set --api-key or BATON_API_KEY/, requests: "none" },
  { name: "empty key given as a flag", env: (c) => ({ BATON_ORGANIZATION_ID: c.sim.orgId }), args: () => ["--api-key", "  "], code: 2, says: /API key is empty/, todo: /lsv2_sk_/, requests: "none" },
  { name: "key of an unknown shape", env: (c) => simEnv(c.sim, "sk-proj-4f9a1c0b7e2d"), code: 2, says: /does not look like a LangSmith key/, todo: /check --api-key/, requests: "none" },
  { name: "legacy ls__ key", env: (c) => simEnv(c.sim, "ls__0123456789abcdef"), code: 2, says: /legacy ls__ API keys stopped working/, todo: /create an organization-scoped service key/, requests: "none" },
  {
    name: "personal access token: a warning, and the sync still works",
    env: (c) => simEnv(c.sim, c.sim.keys.pat),
    code: 0,
    says: /using a personal access token/,
    todo: /prefer an organization-scoped service key/,
    requests: "reads",
    succeeds: true,
  },
  // ---- the organization
  { name: "organization id that is not a UUID", env: (c) => ({ BATON_API_KEY: c.sim.keys.admin, BATON_ORGANIZATION_ID: "acme-prod" }), code: 2, says: /"acme-prod" is not a UUID/, todo: /copy the organization id from LangSmith/, requests: "none" },
  { name: "missing organization id", env: (c) => ({ BATON_API_KEY: c.sim.keys.admin }), code: 2, says: /missing organization id/, todo: /--organization-id or set BATON_ORGANIZATION_ID/, requests: "none" },
  {
    name: "wrong organization id (403)",
    env: (c) => ({ BATON_API_KEY: c.sim.keys.admin, BATON_ORGANIZATION_ID: "0b7d3c1e-5a4f-4e2b-9c8d-7f6e5d4c3b2a" }),
    code: 1,
    says: /does not belong to the organization given as --organization-id.*does not belong to organization 0b7d3c1e-5a4f-4e2b-9c8d-7f6e5d4c3b2a/,
    todo: /pass the organization id that key belongs to/,
    requests: "reads",
  },
  {
    name: "key of another organization (403)",
    env: (c) => simEnv(c.sim, c.sim.keys.otherOrg),
    code: 1,
    says: /does not belong to the organization given as --organization-id/,
    todo: /pass the organization id that key belongs to/,
    requests: "reads",
  },
  {
    name: "key without the needed permission (403 names it)",
    env: (c) => simEnv(c.sim, c.sim.keys.viewer),
    code: 1,
    says: /lacks the permission workspaces:read/,
    todo: /give the key a role with workspaces:read/,
    requests: "reads",
  },
  {
    name: "well-formed key LangSmith does not know (401)",
    env: (c) => simEnv(c.sim, "lsv2_sk_0123456789abcdef0123456789abcdef_0123456789"),
    code: 1,
    says: /rejected the API key/,
    todo: /check --api-key, its region and --base-url/,
    requests: "reads",
  },
  // ---- the base URL
  { name: "--base-url that is not a URL", bare: () => ["--base-url", "langsmith dot example"], code: 2, says: /is not a URL/, todo: /use e\.g\. https:\/\/api\.smith\.langchain\.com/, requests: "none" },
  { name: "--base-url with http:// on a non-loopback host", bare: () => ["--base-url", "http://langsmith.example.com"], code: 2, says: /http:\/\/ on langsmith\.example\.com/, todo: /use https:\/\//, requests: "none" },
  { name: "--base-url of the LangSmith web app", bare: () => ["--base-url", "https://smith.langchain.com"], code: 2, says: /is the LangSmith web app/, todo: /use its API host https:\/\/api\.smith\.langchain\.com/, requests: "none" },
  {
    name: "--base-url that answers HTML (self-hosted prefix mistake)",
    bare: (c) => ["--base-url", `${c.sim.url}/langsmith`],
    code: 1,
    says: /HTML page instead of JSON/,
    todo: /use https:\/\/<host> or https:\/\/<host>\/api/,
    requests: "reads",
  },
  {
    name: "unreachable host",
    arrange: async (c) => void (c.baseUrl = `http://127.0.0.1:${await closedPort()}`),
    code: 1,
    says: /Could not reach LangSmith \(ECONNREFUSED/,
    todo: /check --base-url and the network/,
    requests: "none",
  },
  // ---- --file for a sync
  { name: "--file in a missing directory", args: (c) => ["-f", join(c.dir, "nope", "sync.c1z")], code: 2, says: /directory .*nope does not exist/, todo: /create it first, or pass another --file/, requests: "none" },
  {
    name: "--file in a read-only directory",
    arrange: (c) => {
      mkdirSync(join(c.dir, "ro"));
      chmodSync(join(c.dir, "ro"), 0o555);
    },
    args: (c) => ["-f", join(c.dir, "ro", "sync.c1z")],
    code: 2,
    says: /directory .*ro is not writable/,
    todo: /pass --file in a directory you can write to/,
    requests: "none",
    uid: IS_ROOT ? NOBODY : undefined,
  },
  {
    name: "--file that is a directory",
    arrange: (c) => mkdirSync(join(c.dir, "out.c1z")),
    args: (c) => ["-f", join(c.dir, "out.c1z")],
    code: 2,
    says: /it is a directory/,
    todo: /pass a file path such as sync\.c1z/,
    requests: "none",
  },
  {
    name: "sync onto an existing file that is not a .c1z",
    arrange: (c) => writeFileSync(c.file, "name,email\nada,ada@example.com\n"),
    code: 2,
    says: /is not a \.c1z/,
    todo: /pass another --file, or remove that file first/,
    requests: "none",
  },
  // ---- --file for provisioning
  {
    name: "grant with a --file that is not a .c1z",
    arrange: (c) => writeFileSync(c.file, "name,email\nada,ada@example.com\n"),
    args: (c) => grantArgs(c, c.outsider),
    code: 2,
    says: /is not a \.c1z file/,
    todo: /pass the file a Baton sync wrote/,
    requests: "none",
  },
  {
    name: "grant with a truncated .c1z",
    arrange: (c) => {
      const bytes = readFileSync(c.file);
      writeFileSync(c.file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    },
    args: (c) => grantArgs(c, c.outsider),
    code: 2,
    says: /truncated|damaged|corrupt/i,
    todo: /sync/,
    requests: "none",
  },
  {
    name: "grant with a v3 .c1z",
    arrange: (c) => writeFileSync(c.file, Buffer.concat([Buffer.from("C1Z3\0", "latin1"), Buffer.alloc(64, 7)])),
    args: (c) => grantArgs(c, c.outsider),
    code: 2,
    says: /is a v3 \.c1z/,
    todo: /re-run the sync with this connector/,
    requests: "none",
  },
  {
    name: "grant with a --file that does not exist",
    args: (c) => ["-f", join(c.dir, "never-synced.c1z"), ...grantArgs(c, c.outsider)],
    code: 2,
    says: /never-synced\.c1z does not exist/,
    todo: /run a sync first/,
    requests: "none",
  },
  // ---- provisioning ids and flags
  {
    name: "grant of an unknown entitlement id",
    args: (c) => grantArgs(c, c.outsider, `workspace_role:${c.ws}:00000000-0000-4000-8000-000000000000:assigned`),
    code: 2,
    says: /entitlement "workspace_role:.*" is not in/,
    todo: /check the id, or run a sync/,
    requests: "none",
  },
  {
    name: "grant to a principal not in the file",
    args: (c) => grantArgs(c, "7c9e6679-7425-40de-944b-e07fc1f90ae7"),
    code: 2,
    says: /principal user "7c9e6679-7425-40de-944b-e07fc1f90ae7" is not in/,
    todo: /users are keyed by ls_user_id/,
    requests: "none",
  },
  {
    name: "grant to a principal who is no longer an org member",
    arrange: (c) => assert.ok(c.sim.state.removeOrgMember(c.outsider)),
    args: (c) => grantArgs(c, c.outsider),
    code: 1,
    says: /is not an active member of the LangSmith organization/,
    todo: /invite them to the organization in LangSmith first/,
    requests: "reads",
  },
  {
    name: "grant with a key without the needed permission (403 names it)",
    env: (c) => simEnv(c.sim, c.sim.keys.viewer),
    args: (c) => grantArgs(c, c.outsider),
    code: 1,
    says: /lacks the permission workspaces:read/,
    todo: /give the key a role with workspaces:read/,
    requests: "reads",
  },
  {
    name: "grant of a read-only org role",
    args: (c) => grantArgs(c, c.outsider, `org_role:${c.sim.state.role("ORGANIZATION_ADMIN").id}:assigned`),
    code: 1,
    says: /organization roles are read-only/,
    todo: /change it in LangSmith's organization settings/,
    requests: "reads",
  },
  {
    name: "revoke of an unknown grant id",
    args: (c) => ["-p", "--revoke-grant", `${ent(c)}:user:7c9e6679-7425-40de-944b-e07fc1f90ae7`],
    code: 2,
    says: /grant ".*" is not in/,
    todo: /check the id, or run a sync/,
    requests: "none",
  },
  { name: "grant without --provisioning", args: (c) => ["--grant-entitlement", ent(c), "--grant-principal", c.outsider], code: 2, says: /changes access in LangSmith/, todo: /add --provisioning/, requests: "none" },
  { name: "revoke without --provisioning", args: (c) => ["--revoke-grant", `${ent(c, c.memberRole)}:user:${c.member}`], code: 2, says: /--revoke-grant changes access/, todo: /add --provisioning/, requests: "none" },
  {
    name: "grant and revoke together",
    args: (c) => [...grantArgs(c, c.outsider), "--revoke-grant", `${ent(c, c.memberRole)}:user:${c.member}`],
    code: 2,
    says: /cannot be used together/,
    todo: /run one at a time/,
    requests: "none",
  },
  { name: "--grant-entitlement without --grant-principal", args: (c) => ["-p", "--grant-entitlement", ent(c)], code: 2, says: /must be given together/, todo: /--grant-principal/, requests: "none" },
  { name: "--membership-source of an unknown kind", args: () => ["--membership-source", "ldap"], code: 2, says: /--membership-source must be one of auto, platform, workspace/, todo: /auto, platform, workspace/, requests: "none" },
  // account lifecycle
  { name: "create-account without --provisioning", args: () => ["--create-account-email", "ada@example.com"], code: 2, says: /changes access in LangSmith/, todo: /add --provisioning/, requests: "none" },
  { name: "create-account with no email", args: () => ["-p", "--create-account-login", "ada"], code: 2, says: /no email to invite/, todo: /pass --create-account-email/, requests: "none" },
  { name: "create-account with an email that is not one", args: () => ["-p", "--create-account-email", "ada at example"], code: 2, says: /"ada at example" is not an email address/, todo: /invites people by email/, requests: "none" },
  { name: "create-account profile with an unknown key", args: () => ["-p", "--create-account-email", "ada@example.com", "--create-account-profile", '{"role":"admin"}'], code: 2, says: /unknown key\(s\) role/, todo: /use email, org_role, workspaces, workspace_role/, requests: "none" },
  { name: "create-account profile that is not JSON", args: () => ["-p", "--create-account-email", "ada@example.com", "--create-account-profile", "{org_role: admin"], code: 2, says: /--create-account-profile must be a JSON object/, todo: /e\.g\./, requests: "none" },
  { name: "create-account with an unknown org role", args: () => ["-p", "--create-account-email", "ada@example.com", "--create-account-profile", '{"org_role":"Boss"}'], code: 2, says: /org_role "Boss" is not a LangSmith organization role/, todo: /use one of Organization Admin/, requests: "reads" },
  { name: "create-account with an unknown workspace", args: () => ["-p", "--create-account-email", "ada@example.com", "--create-account-profile", '{"workspaces":["Nowhere"]}'], code: 2, says: /workspace "Nowhere" is not a shared LangSmith workspace/, todo: /use a workspace id or display name/, requests: "reads" },
  {
    name: "create-account with different roles per workspace",
    args: (c) => ["-p", "--create-account-email", "ada@example.com", "--create-account-profile", JSON.stringify({ workspaces: { [c.ws]: "Viewer", other: "Admin" } })],
    code: 2,
    says: /one role in all its workspaces/,
    todo: /ask for one role/,
    requests: "reads",
  },
  { name: "delete a user by something that is not an ls_user_id", args: () => ["-p", "--delete-resource", "ada@example.com", "--delete-resource-type", "user"], code: 2, says: /"ada@example.com" is not a user id/, todo: /keyed by their LangSmith ls_user_id/, requests: "none" },
  { name: "delete an invitation by a malformed id", args: () => ["-p", "--delete-resource", "inv-1", "--delete-resource-type", "invitation"], code: 2, says: /"inv-1" is not an invitation id/, todo: /<pending id> \(org invitation\)/, requests: "none" },
  { name: "--requests-per-second that is not a number", args: () => ["--requests-per-second", "fast"], code: 2, says: /--requests-per-second must be a whole number/, todo: /from 1 to 10000/, requests: "none" },
];

describe("bad input", () => {
  let goodFile: string;
  let seedSim: Simulator;
  // Root meets a read-only directory only as another user, who needs a CLI it can reach: its own copy.
  let asNobody: ReturnType<typeof worldReadableCli> | undefined;

  before(async () => {
    seedSim = await startSimulator(ORG);
    goodFile = join(tmpDir(), "good.c1z");
    const res = await run(["--base-url", seedSim.url, "--log-format", "json", "-f", goodFile], { env: simEnv(seedSim) });
    assert.equal(res.code, 0, res.stderr);
    if (IS_ROOT) asNobody = worldReadableCli(NOBODY);
  });
  after(async () => {
    if (asNobody && "root" in asNobody) rmSync(asNobody.root, { recursive: true, force: true });
    await seedSim?.close();
  });

  it("the table has a distinct case for each kind of bad input", () => {
    assert.ok(cases.length >= 30);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
  });

  // All cases run at once (each against its own simulator); node:test reports each as its own subtest.
  it("each case: exit code, one line saying what to do, nothing changed remotely, nothing half-written", async (t) => {
    // The unreachable host waits out its retries: start it first.
    const cannot = asNobody && "skip" in asNobody ? asNobody.skip : undefined;
    const runnable = cases.filter((c) => !(c.uid !== undefined && cannot));
    const ordered = [...runnable.filter((c) => c.name === "unreachable host"), ...runnable.filter((c) => c.name !== "unreachable host")];
    const outcomes = await inParallel(ordered, 8, async (kase) => {
      const sim = await startSimulator(ORG);
      try {
        const dir = tmpDir();
        chmodSync(dir, 0o777); // the read-only case runs as another user when the suite runs as root
        const file = join(dir, "sync.c1z");
        copyFileSync(goodFile, file);
        const truth = sim.truth();
        const active = truth.users.filter((u) => !u.disabled);
        // A workspace some active org member is not in.
        const ws = truth.workspaces.map((w) => w.id).find((id) => sim.state.workspaceMembers(id).length < active.length)!;
        const members = sim.state.workspaceMembers(ws);
        const inWs = new Set(members.map((m) => m.lsUserId));
        const ctx: Ctx = {
          sim,
          baseUrl: sim.url,
          dir,
          file,
          ws,
          wsRole: sim.state.role("WORKSPACE_VIEWER").id,
          outsider: active.find((u) => !inWs.has(u.lsUserId))!.lsUserId,
          member: members[0]!.lsUserId,
          memberRole: members[0]!.roleId,
        };
        await kase.arrange?.(ctx);
        const before = { remote: remoteState(sim), files: dirState(dir) };
        const common = kase.bare ? kase.bare(ctx) : ["--base-url", ctx.baseUrl];
        const args = [...common, "--log-format", "console", "-f", file, ...(kase.args?.(ctx) ?? [])];
        const res = await run(args, { env: kase.env ? kase.env(ctx) : simEnv(sim), cwd: dir, uid: kase.uid, bin: kase.uid !== undefined && asNobody && "bin" in asNobody ? asNobody.bin : undefined });
        return { kase, ctx, res, before, remoteAfter: remoteState(sim), filesAfter: dirState(dir), requests: [...sim.requests], writes: writesOf(sim) };
      } finally {
        await sim.close();
      }
    });

    for (const kase of cases.filter((c) => !runnable.includes(c))) await t.test(kase.name, { skip: cannot }, () => {});
    for (const o of outcomes) {
      await t.test(o.kase.name, () => {
        const { kase, res } = o;
        const out = `exit ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`;
        assert.equal(res.code, kase.code, out);
        assert.deepEqual(o.writes, [], "no write reached LangSmith");
        assert.equal(o.remoteAfter, o.before.remote, "LangSmith's state is unchanged");
        if (kase.requests === "none") assert.deepEqual(o.requests.map((r) => r.route), [], "no request reached LangSmith");
        if (kase.succeeds) {
          assert.match(res.stderr, kase.says, out);
          assert.match(res.stderr, kase.todo, out);
          assert.deepEqual(failureLines(res.stderr), [], out);
          assert.deepEqual(Object.keys(o.filesAfter), ["sync.c1z"], "only the new .c1z is in the directory");
          return;
        }
        assert.equal(res.stdout, "", "nothing on stdout");
        const lines = failureLines(res.stderr);
        assert.equal(lines.length, 1, `exactly one failure line\n${out}`);
        assert.match(lines[0]!, kase.says, out);
        assert.match(lines[0]!, kase.todo, out);
        assert.ok(!/\s{2,}at /.test(res.stderr), "no stack trace at the default log level");
        assert.deepEqual(o.filesAfter, o.before.files, "nothing written, replaced or left behind next to --file");
      });
    }
  });

  it("the personal access token's sync is complete", async () => {
    const sim = await startSimulator(ORG);
    try {
      const file = join(tmpDir(), "pat.c1z");
      const res = await run(["--base-url", sim.url, "--log-format", "json", "-f", file], { env: simEnv(sim, sim.keys.pat) });
      assert.equal(res.code, 0, res.stderr);
      const warning = res.stderr.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { level: string; msg: string }).find((l) => l.level === "warn");
      assert.match(warning?.msg ?? "", /personal access token/);
      assertMatchesTruth(await readC1z(file), sim);
    } finally {
      await sim.close();
    }
  });
});

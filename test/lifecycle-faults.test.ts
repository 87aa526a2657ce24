// Account lifecycle through the real CLI while LangSmith fails (429, 5xx, drops, slow answers): each action makes
// at most the one write LangSmith's state calls for, a failed write is repeated only after a read proves it did
// not happen, and a write that happened although it was answered 503 is not repeated.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { type Simulator, type SimulatorOptions, startSimulator } from "../src/simulator/index.js";
import { tmpDir } from "./support/cli.js";
import { inParallel, run, simEnv, writesOf } from "./support/robustness.js";

const ORG = { users: 24, workspaces: 3, seed: 61 };
const SEEDS = [7, 36];

interface Arranged {
  sim: Simulator;
  file: string;
  ws: string;
  /** An active Organization User with a workspace membership. */
  user: string;
  invite: string;
}

interface Case {
  name: string;
  args: (a: Arranged) => string[];
  /** The one write, as `METHOD template`. */
  write: string;
  /** LangSmith holds what was asked. */
  done: (a: Arranged) => boolean;
  /** Makes the write's effect happen (for the "applied, then answered 503" case). */
  apply: (a: Arranged) => void;
}

const role = (sim: Simulator, name: string) => sim.state.role(name).id;

const cases: Case[] = [
  {
    name: "create-account invites",
    args: () => ["-p", "--create-account-email", "faulty.joiner@example.com", "--create-account-profile", '{"org_role":"Organization Viewer"}'],
    write: "POST /api/v1/orgs/current/members",
    done: (a) => a.sim.state.pendingInvites().filter((p) => p.email === "faulty.joiner@example.com").length === 1,
    apply: (a) => {
      a.sim.state.invite({ email: "faulty.joiner@example.com", orgRoleName: "ORGANIZATION_VIEWER" });
    },
  },
  {
    name: "delete-resource user removes the member",
    args: (a) => ["-p", "--delete-resource", a.user, "--delete-resource-type", "user"],
    write: "DELETE /api/v1/orgs/current/members/{identity_id}",
    done: (a) => !a.sim.state.orgMembers().some((m) => m.lsUserId === a.user),
    apply: (a) => void a.sim.state.removeOrgMember(a.user),
  },
  {
    name: "delete-resource invitation cancels it",
    args: (a) => ["-p", "--delete-resource", a.invite, "--delete-resource-type", "invitation"],
    write: "DELETE /api/v1/orgs/current/members/{identity_id}/pending",
    done: (a) => !a.sim.state.pendingInvites().some((p) => p.id === a.invite),
    apply: () => {
      throw new Error("cancelling an invitation has no state hook; covered by the other cases");
    },
  },
  {
    name: "org-role grant replaces the member's role",
    args: (a) => ["-p", "--org-role-provisioning", "--grant-entitlement", `org_role:${role(a.sim, "ORGANIZATION_VIEWER")}:assigned`, "--grant-principal", a.user],
    write: "PATCH /api/v1/orgs/current/members/{identity_id}",
    done: (a) => a.sim.state.orgMembers().find((m) => m.lsUserId === a.user)?.orgRoleId === role(a.sim, "ORGANIZATION_VIEWER"),
    apply: () => {
      throw new Error("no state hook for an org role change; covered by the other cases");
    },
  },
];

async function arrange(faults: SimulatorOptions["faults"]): Promise<Arranged> {
  const sim = await startSimulator(ORG);
  const ws = sim.truth().workspaces[0]!.id;
  const user = sim.state.orgMembers().find((m) => !m.disabled && m.orgRoleId === role(sim, "ORGANIZATION_USER") && sim.state.workspaceMembers(ws).some((w) => w.lsUserId === m.lsUserId))!.lsUserId;
  const invite = sim.state.invite({ email: "pending.person@example.com", workspaceIds: [ws] }).id;
  const file = join(tmpDir(), "sync.c1z");
  const synced = await run(["--base-url", sim.url, "-f", file, "--log-format", "json", "--org-role-provisioning"], { env: simEnv(sim) });
  assert.equal(synced.code, 0, synced.stderr);
  sim.setFaults(faults);
  sim.resetLog();
  return { sim, file, ws, user, invite };
}

const cli = (a: Arranged, args: string[]) =>
  run(["--base-url", a.sim.url, "-f", a.file, "--log-format", "json", "--http-timeout-seconds", "1", ...args], { env: simEnv(a.sim), timeoutMs: 60_000 });

const writes = (sim: Simulator) => writesOf(sim).map((r) => `${r.method} ${r.route!.replace(/^\w+ /, "")}`);

describe("account lifecycle under faults", { concurrency: true }, () => {
  it("with 35% of reads failing, each action makes its one write and leaves LangSmith as asked", async () => {
    const runs = cases.flatMap((c) => SEEDS.map((seed) => ({ c, seed })));
    const outcomes = await inParallel(runs, 4, async ({ c, seed }) => {
      // A slow answer never comes: the 1 s timeout fires at any machine speed.
      const a = await arrange({ rate: 0.35, seed, retryAfterSeconds: 1, slowMs: 3_600_000 });
      try {
        const res = await cli(a, c.args(a));
        return { c, seed, res, done: c.done(a), writes: writes(a.sim), faults: a.sim.requests.filter((r) => r.fault).length };
      } finally {
        await a.sim.close();
      }
    });
    let faults = 0;
    for (const o of outcomes) {
      const what = `${o.c.name} (fault seed ${o.seed})`;
      assert.equal(o.res.code, 0, `${what}: ${o.res.stderr}`);
      assert.deepEqual(o.writes, [o.c.write], `${what}: writes`);
      assert.ok(o.done, `${what}: LangSmith holds what was asked`);
      faults += o.faults;
    }
    assert.ok(faults >= cases.length, `${faults} faulted reads across ${outcomes.length} runs`);
  });

  it("a write that keeps failing is repeated only after a read shows it did not happen, at most twice, then fails", async () => {
    await inParallel(cases, 2, async (c) => {
      const method = c.write.split(" ")[0]!;
      const a = await arrange({ rate: 1, kinds: ["503"], methods: [method] });
      try {
        const res = await cli(a, c.args(a));
        assert.equal(res.code, 1, `${c.name}: ${res.stderr}`);
        const written = a.sim.requests.filter((r) => r.method === method);
        assert.equal(written.length, 3, `${c.name}: the write, then two proven retries`);
        for (let i = 1; i < written.length; i++) {
          const proof = a.sim.requests.filter((r) => r.method === "GET" && r.at > written[i - 1]!.endedAt && r.endedAt <= written[i]!.at && r.status === 200);
          assert.ok(proof.length > 0, `${c.name}: a read came between two writes`);
        }
        assert.ok(!c.done(a), `${c.name}: nothing changed`);
      } finally {
        await a.sim.close();
      }
    });
  });

  it("a write that happened although LangSmith answered 503 is not repeated: the read shows it, and the action succeeds", async () => {
    for (const c of cases.slice(0, 2)) {
      const method = c.write.split(" ")[0]!;
      const a = await arrange({ rate: 1, kinds: ["503"], methods: [method] });
      try {
        // Faults come before the simulator's handlers: the effect is applied the moment the write arrives.
        const log = a.sim.requests;
        const push = log.push.bind(log);
        log.push = (...entries) => {
          if (entries.some((e) => e.method === method)) c.apply(a);
          return push(...entries);
        };
        const res = await cli(a, c.args(a));
        assert.equal(res.code, 0, `${c.name}: ${res.stderr}`);
        assert.equal(a.sim.requests.filter((r) => r.method === method).length, 1, `${c.name}: one write; the read proved it had happened`);
        assert.ok(c.done(a), c.name);
      } finally {
        await a.sim.close();
      }
    }
  });
});

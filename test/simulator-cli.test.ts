import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parseOptions } from "../src/simulator/cli.js";
import { startSimulator } from "../src/simulator/index.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

describe("simulator: standalone command line", () => {
  it("maps flags onto SimulatorOptions", () => {
    assert.deepEqual(
      parseOptions(["--users", "200", "--workspaces", "12", "--seed", "7", "--port", "0", "--latency-ms", "5", "--fault-rate", "0.2",
        "--fault-kinds", "503,drop", "--rate-limit", "50", "--platform-members", "limited", "--role-name-style", "display_name", "--repeat-pages",
        "--pat-listing", "forbidden", "--service-accounts", "absent"]),
      {
        users: 200, workspaces: 12, seed: 7, host: undefined, port: 0, latencyMs: 5,
        platformMembers: "limited", roleNameStyle: "display_name", pagination: { repeatPages: true },
        patListing: "forbidden", serviceAccounts: "absent",
        faults: { rate: 0.2, seed: undefined, kinds: ["503", "drop"], methods: undefined },
        rateLimit: { requestsPerSecond: 50 },
      },
    );
    assert.equal(parseOptions(["--help"]), "help");
    assert.throws(() => parseOptions(["--platform-members", "partial"]), /must be one of/);
    assert.throws(() => parseOptions(["--pat-listing", "maybe"]), /must be one of/);
    assert.throws(() => parseOptions(["--users", "many"]), /expects a number/);
    assert.throws(() => parseOptions(["--bogus"]));
  });

  it("rejects nonsense options", async () => {
    await assert.rejects(startSimulator({ users: 0 }), /users/);
    await assert.rejects(startSimulator({ faults: { rate: 2 } }), /faults.rate/);
  });

  it("prints URL, org id, admin key and a ground-truth summary, serves, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/simulator/main.ts", "--users", "40", "--workspaces", "3", "--seed", "6"], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner; stdout=${out} stderr=${err}`)), 20_000);
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("Press Ctrl+C")) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on("exit", () => reject(new Error(`exited early; stderr=${err}`)));
      });
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const orgId = /organization id: ([0-9a-f-]{36})/.exec(out)?.[1];
      const key = /admin key[^:]*: (lsv2_sk_\w+)/.exec(out)?.[1];
      assert.ok(url && orgId && key, out);
      assert.match(out, /Ground truth: 40 active org members .* 3 synced workspaces/);
      const res = await fetch(`${url}/api/v1/orgs/current`, { headers: { "x-api-key": key } });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { id: string }).id, orgId);
    } finally {
      child.kill("SIGTERM");
    }
    assert.equal(await exited, 0);
  });
});

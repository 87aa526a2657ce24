// kill -9 of the real CLI at seeded "random" points of a sync — while starting, while reading LangSmith, while
// the finished file is being compressed and published — never leaves a truncated .c1z: the target is absent
// (first run) or the previous complete file, unless the run got as far as publishing a complete new one.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, readdirSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { assertMatchesTruth, readC1z } from "./support/c1z-content.js";
import type { CliResult } from "./support/cli.js";
import { tmpDir } from "./support/cli.js";
import { failureLines, prng, run, sha256, simEnv, spawnCli } from "./support/robustness.js";

// 2,000 members make a .c1z of about 1.6 MB: compressing and publishing it takes long enough to be hit.
const ORG = { users: 2000, workspaces: 6, seed: 61, latencyMs: 20 };
const TEMP = /\.tmp$/;

type Point = { kind: "start"; delayMs: number } | { kind: "requests"; n: number } | { kind: "temp-file" };

function describePoint(p: Point): string {
  return p.kind === "start" ? `${p.delayMs} ms after start` : p.kind === "requests" ? `after ${p.n} requests` : "while the temp file exists";
}

/** Seeded points: two while starting, four while reading (of the ~7 requests), three while publishing. */
function killPoints(seed: number): Point[] {
  const random = prng(seed);
  const points: Point[] = [
    { kind: "start", delayMs: Math.floor(random() * 150) },
    { kind: "start", delayMs: 150 + Math.floor(random() * 200) },
    ...Array.from({ length: 4 }, () => ({ kind: "requests" as const, n: 1 + Math.floor(random() * 6) })),
    { kind: "temp-file" },
    { kind: "temp-file" },
    { kind: "temp-file" },
  ];
  // Shuffle (Fisher–Yates), so the kinds interleave.
  for (let i = points.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [points[i], points[j]] = [points[j]!, points[i]!];
  }
  return points;
}

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
  await new Promise((resolve) => child.on("close", resolve));
  return child.pid!;
}

/** Runs a sync and SIGKILLs it at `point`. Resolves with the run and whether a temp file was in `dir` right after. */
async function syncKilledAt(sim: Simulator, dir: string, file: string, work: string, point: Point): Promise<{ res: CliResult; tempLeft: string[] }> {
  sim.resetLog();
  const { child, done } = spawnCli(["--base-url", sim.url, "-f", file, "--log-format", "json"], { env: simEnv(sim, sim.keys.admin, { TMPDIR: work }) });
  const kill = () => child.kill("SIGKILL");
  let stop = () => {};
  if (point.kind === "start") {
    const t = setTimeout(kill, point.delayMs);
    stop = () => clearTimeout(t);
  } else if (point.kind === "requests") {
    const t = setInterval(() => sim.requests.length >= point.n && kill(), 1);
    stop = () => clearInterval(t);
  } else {
    const w = watch(dir, (_event, name) => {
      if (name && TEMP.test(name) && name.endsWith(".tmp")) kill();
    });
    stop = () => w.close();
  }
  const res = await done;
  stop();
  return { res, tempLeft: readdirSync(dir).filter((n) => TEMP.test(n)) };
}

describe("crash safety: kill -9 during a sync", { concurrency: true }, () => {
  // Each scenario has its own simulator (same seed, same ids): kill points count that simulator's requests.
  const sims: Simulator[] = [];
  const simulator = async () => {
    const sim = await startSimulator(ORG);
    sims.push(sim);
    return sim;
  };
  let previous: string;
  before(async () => {
    const sim = await simulator();
    previous = join(tmpDir(), "previous.c1z");
    const res = await run(["--base-url", sim.url, "-f", previous, "--log-format", "json"], { env: simEnv(sim) });
    assert.equal(res.code, 0, res.stderr);
  });
  after(async () => Promise.all(sims.map((s) => s.close())));

  for (const scenario of [
    { name: "first run (no previous file)", seed: 7, withPrevious: false },
    { name: "a previous complete file", seed: 8, withPrevious: true },
  ]) {
    // Its steps depend on each other: in order.
    describe(scenario.name, { concurrency: false }, () => {
      const dir = tmpDir();
      const work = tmpDir();
      const file = join(dir, "sync.c1z");
      let hitPublishing = 0;
      let sim: Simulator;
      before(async () => {
        sim = await simulator();
      });

      it("leaves the target absent or the previous complete file at every kill point, never a truncated one", async () => {
        if (scenario.withPrevious) copyFileSync(previous, file);
        let expected = scenario.withPrevious ? sha256(readFileSync(previous)) : undefined;
        for (const point of killPoints(scenario.seed)) {
          const { res, tempLeft } = await syncKilledAt(sim, dir, file, work, point);
          const where = `${describePoint(point)}: exit ${res.code} ${res.signal}\n${res.stderr}`;
          if (tempLeft.length) hitPublishing++;
          if (res.signal === "SIGKILL" && !existsSync(file)) {
            assert.equal(expected, undefined, `${where}: the previous file vanished`);
            continue;
          }
          if (res.signal === "SIGKILL" && sha256(readFileSync(file)) === expected) continue;
          if (res.signal !== "SIGKILL") assert.equal(res.code, 0, `${where}: the run ended by itself, so it must have succeeded`);
          // The kill came after the rename (or the run finished first): the target is the new file, complete and correct.
          assertMatchesTruth(await readC1z(file), sim);
          expected = sha256(readFileSync(file));
        }
        assert.ok(hitPublishing >= 1, "at least one kill landed while the new file was being written");
      });

      it("the next successful sync publishes a complete file", async () => {
        const res = await run(["--base-url", sim.url, "-f", file, "--log-format", "json"], { env: simEnv(sim, sim.keys.admin, { TMPDIR: work }) });
        assert.equal(res.code, 0, res.stderr);
        assertMatchesTruth(await readC1z(file), sim);
      });

      it("after the next successful sync no stray temporary file is left in the target directory", () => {
        // (The writer's writability probe is named like a temp output, with its pid, so it is swept too.)
        assert.deepEqual(readdirSync(dir), ["sync.c1z"]);
      });

      it("after the next successful sync no working database is left in TMPDIR", () => {
        assert.deepEqual(readdirSync(work), []);
      });
    });
  }

  for (const leftover of [
    { what: "a temp output", name: (pid: number) => `.sync.c1z.${pid}.0123456789ab.tmp` },
  ]) {
    it(`${leftover.what} left by a killed run is removed by the next successful sync`, async () => {
      const sim = await simulator();
      const dir = tmpDir();
      const file = join(dir, "sync.c1z");
      const dead = await deadPid();
      const name = leftover.name(dead);
      writeFileSync(join(dir, name), "C1ZF\0partial");
      const res = await run(["--base-url", sim.url, "-f", file, "--log-format", "json"], { env: simEnv(sim) });
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual(readdirSync(dir), ["sync.c1z"], `${name} was removed`);
    });
  }

  it("SIGTERM while publishing: exit 143 with one line, the previous file intact, nothing left behind", async () => {
    const sim = await simulator();
    const dir = tmpDir();
    const work = tmpDir();
    const file = join(dir, "sync.c1z");
    copyFileSync(previous, file);
    const expected = sha256(readFileSync(previous));
    const { child, done } = spawnCli(["--base-url", sim.url, "-f", file, "--log-format", "json"], { env: simEnv(sim, sim.keys.admin, { TMPDIR: work }) });
    let sent = false; // one signal: a second SIGTERM or SIGINT is the usual "force quit" and kills at once
    const w = watch(dir, (_e, name) => {
      if (!sent && name?.endsWith(".tmp")) sent = child.kill("SIGTERM");
    });
    const res = await done;
    w.close();
    if (res.code === 0) {
      // The signal came after the rename: the run had already succeeded.
      assertMatchesTruth(await readC1z(file), sim);
    } else {
      assert.equal(res.code, 143, res.stderr);
      const lines = failureLines(res.stderr);
      assert.equal(lines.length, 1, res.stderr);
      assert.match(lines[0]!, /interrupted by SIGTERM; .*sync\.c1z was left as it was/);
      assert.equal(sha256(readFileSync(file)), expected, "the previous file is intact");
    }
    assert.deepEqual(readdirSync(dir), ["sync.c1z"], "no temp file left");
    assert.deepEqual(readdirSync(work), [], "no working database left");
  });
});

// `npm run bench:service`: the real CLI as a service-mode daemon runs 50 consecutive sync_full tasks of a
// 5,000-member org (the simulator) for the fake ConductorOne. Reports the daemon's RSS after each task and
// checks it stays flat (last ≤ 1.2 × the fifth) and that the temp dir is empty at the end. Not a test.
import { readFileSync, readdirSync } from "node:fs";
import { startSimulator } from "../../src/simulator/index.js";
import { tmpDir } from "../support/cli.js";
import { startDaemon } from "../support/daemon.js";
import { FakeConductorOne } from "../support/fake-c1.js";

const TASKS = Number(process.env.TASKS ?? 50);
const sim = await startSimulator({ users: 5000, workspaces: 100, seed: 7 });
const fake = await FakeConductorOne.start();
const creds = fake.newCredentials();
const temp = tmpDir("service-bench-");
const daemon = startDaemon(fake, creds, { url: sim.url, apiKey: sim.keys.admin, orgId: sim.orgId }, { args: ["--c1z-temp-dir", temp, "--task-concurrency", "1", "--log-level", "warn"], killAfterMs: 3_600_000 });

daemon.exited.then(({ code, signal }) => {
  if (!stopping) {
    process.stderr.write(`the daemon exited (${code ?? signal}) during the benchmark:\n${daemon.stderr.slice(-4000)}\n`);
    process.exit(1);
  }
});
let stopping = false;

const rssMiB = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${daemon.child.pid}/status`, "utf8"));
  return Math.round(Number(m![1]) / 1024);
};

const rss: number[] = [];
const seconds: number[] = [];
let bytes = 0;
for (let i = 0; i < TASKS; i++) {
  const started = Date.now();
  const id = fake.enqueue({ taskType: { case: "syncFull", value: {} } });
  const finish = await fake.waitFor(() => fake.finishOf(id), `task ${i + 1}`);
  if (finish.request.finalState.case !== "success") throw new Error(`task ${i + 1} failed: ${finish.request.status?.message}`);
  seconds.push((Date.now() - started) / 1000);
  bytes = fake.uploadsOf(id)[0]!.data.length;
  fake.uploads.length = 0; // keep the fake's own memory flat
  rss.push(rssMiB());
  process.stdout.write(`task ${String(i + 1).padStart(2)}: ${seconds.at(-1)!.toFixed(2)} s, daemon RSS ${rss.at(-1)} MiB\n`);
}
stopping = true;
await daemon.stop();
const left = readdirSync(temp);
const fifth = rss[Math.min(4, rss.length - 1)]!;
const last = rss.at(-1)!;
const median = [...seconds].sort((a, b) => a - b)[Math.floor(seconds.length / 2)]!;
const result = {
  tasks: TASKS,
  users: sim.truth().counts.users,
  workspaces: sim.truth().counts.workspaces,
  c1zBytes: bytes,
  medianTaskSeconds: median,
  rssMiB: { first: rss[0], fifth, last, max: Math.max(...rss) },
  lastOverFifth: Number((last / fifth).toFixed(3)),
  flat: last <= 1.2 * fifth,
  tempDirEntriesLeft: left.length,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
await fake.close();
await sim.close();
process.exit(result.flat && left.length === 0 ? 0 : 1);

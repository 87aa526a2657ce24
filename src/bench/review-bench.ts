// `npm run bench:review`: an L-size org (50,000 people, 1,000 workspaces) synced twice from the simulator
// with changes in between, then `diff` of the two files and `report` of the newer one (HTML, CSV, JSON),
// each in a child process (time, peak RSS), and the HTML opened in headless Chromium when installed
// (time to first render, time to apply a filter). `--users N --workspaces N` for another size.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startSimulator } from "../simulator/index.js";

const args = Object.fromEntries(process.argv.slice(2).map((a, i, all) => (a.startsWith("--") ? [a.slice(2), all[i + 1]] : [])).filter((x) => x.length));
const users = Number(args.users ?? 50000);
const workspaces = Number(args.workspaces ?? 1000);
const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), "baton-langsmith-review-bench-"));
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

/** Async: the simulator runs in this process and must keep serving while a child syncs. */
async function child(script: string, argv: string[], env: Record<string, string> = {}): Promise<Record<string, number>> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(here, script), ...argv], { env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

const sim = await startSimulator({ users, workspaces, seed: 7 });
try {
  const sync = (file: string) => child("sync-worker.js", [sim.url, sim.orgId, file, "10000", "16", "auto"], { BATON_API_KEY: sim.keys.admin });
  const oldFile = path.join(dir, "old.c1z");
  const newFile = path.join(dir, "new.c1z");
  const s1 = await sync(oldFile);
  process.stdout.write(`review benchmark: ${users.toLocaleString("en")} people × ${workspaces.toLocaleString("en")} workspaces\n`);
  process.stdout.write(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")} on ${os.availableParallelism()} cores\n`);
  process.stdout.write(`sync: ${s1.grants!.toLocaleString("en")} grants + ${s1.expandedGrants!.toLocaleString("en")} from expansion (implicit Org Admin access), ${s1.seconds!.toFixed(1)} s, ${mb(s1.bytes!)} .c1z, peak RSS ${mb(s1.maxRssBytes!)}\n`);
  // Changes: 200 grants, 200 revokes, 200 role changes, 20 people removed, 2 promoted to Organization Admin.
  const t = sim.truth();
  const roles = t.roles.filter((r) => r.accessScope === "workspace");
  const ms = t.workspaceMemberships;
  for (let i = 0; i < 200; i++) {
    const m = ms[(i * 7919) % ms.length]!;
    const other = roles.find((r) => r.id !== m.roleId)!;
    if (i % 2 === 0) sim.state.setWorkspaceRole(m.workspaceId, m.lsUserId, other.id);
    else sim.state.setWorkspaceRole(m.workspaceId, m.lsUserId, null);
    const u = t.users[(i * 104729) % t.users.length]!;
    sim.state.setWorkspaceRole(t.workspaces[i % t.workspaces.length]!.id, u.lsUserId, roles[0]!.id);
  }
  const orgUser = t.roles.find((r) => r.name === "ORGANIZATION_USER")!;
  const plain = t.users.filter((u) => u.orgRoleId === orgUser.id);
  for (let i = 0; i < 20; i++) sim.state.removeOrgMember(plain[i]!.lsUserId);
  for (let i = 20; i < 22; i++) sim.state.setOrgRole(plain[i]!.lsUserId, "ORGANIZATION_ADMIN");
  const s2 = await sync(newFile);
  process.stdout.write(`second sync: ${s2.grants!.toLocaleString("en")} grants, ${mb(s2.bytes!)}\n\n`);
  await sim.close();

  const rows: string[][] = [];
  const d = await child("review-worker.js", ["diff", oldFile, newFile]);
  rows.push(["diff old new", `${d.seconds!.toFixed(2)} s (CPU ${d.cpuSeconds!.toFixed(1)} s)`, mb(d.maxRssBytes!), `${d.changes} changes (+${d.grantsAdded} −${d.grantsRemoved} grants, ${d.roleChanges} role changes)`]);
  const same = await child("review-worker.js", ["diff", newFile, newFile]);
  rows.push(["diff new new (equal)", `${same.seconds!.toFixed(2)} s (CPU ${same.cpuSeconds!.toFixed(1)} s)`, mb(same.maxRssBytes!), "no changes"]);
  const html = path.join(dir, "report.html");
  for (const format of ["html", "csv", "json"]) {
    const out = path.join(dir, `report.${format}`);
    const r = await child("review-worker.js", ["report", newFile, out, format]);
    rows.push([`report --format ${format}`, `${r.seconds!.toFixed(2)} s (CPU ${r.cpuSeconds!.toFixed(1)} s)`, mb(r.maxRssBytes!), `${mb(r.bytes!)} file`]);
  }
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (existsSync(chromium)) {
    const { chromium: pw } = await import("playwright-core");
    const profile = mkdtempSync(path.join(os.tmpdir(), "baton-langsmith-chromium-"));
    const flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
    const ctx = await pw.launchPersistentContext(profile, { executablePath: chromium, headless: true, args: flags, viewport: { width: 1280, height: 900 } });
    try {
      const runs: number[] = [];
      const filters: number[] = [];
      for (let i = 0; i < 3; i++) {
        const page = await ctx.newPage();
        await page.goto(pathToFileURL(html).href);
        await page.waitForFunction("window.__report !== undefined", undefined, { timeout: 120_000 });
        runs.push(await page.evaluate("window.__report.firstRender"));
        filters.push(
          await page.evaluate(`(() => { const t0 = performance.now(); const s = document.getElementById("f-status"); s.value = "disabled"; s.dispatchEvent(new Event("change")); return performance.now() - t0; })()`),
        );
        await page.close();
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
      rows.push(["HTML in Chromium", `${(median(runs) / 1000).toFixed(2)} s`, "", `time to first render (navigation start → grid drawn), median of 3; status filter applied in ${median(filters).toFixed(0)} ms`]);
    } finally {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    }
  } else rows.push(["HTML in Chromium", "—", "", `skipped: no Chromium at ${chromium}`]);
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) process.stdout.write(`${r.map((c, i) => (i < 3 ? c.padEnd(w[i]!) : c)).join("  ")}\n`);
  process.stdout.write(`\nfiles: old ${mb(statSync(oldFile).size)}, new ${mb(statSync(newFile).size)}\n`);
} finally {
  await sim.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}

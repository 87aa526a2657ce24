// The HTML report in a real headless Chromium (Debian's package, driven by playwright-core; never a
// downloaded browser): search, filters, panels, implicit cells, no network. Saves a screenshot in the
// test's temp dir; with BATON_REPORT_SCREENSHOT=<path> also copies it there (how docs/report.png is made).
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { runCli, tmpDir } from "./support/cli.js";

// Page-side callbacks run in the browser; these names exist there (no DOM lib for the whole project).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, window: any;

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;

describe("HTML report in headless Chromium", { skip }, () => {
  let sim: Simulator;
  const dir = tmpDir();
  const older = join(dir, "older.c1z");
  const file = join(dir, "sync.c1z");
  const html = join(dir, "report.html");
  before(async () => {
    sim = await startSimulator({ users: 40, workspaces: 6, seed: 21 });
    const env = { BATON_API_KEY: sim.keys.admin, BATON_ORGANIZATION_ID: sim.orgId };
    const base = ["--base-url", sim.url, "--log-format", "json"];
    assert.equal((await runCli([...base, "--file", older], { env })).code, 0);
    const t = sim.truth();
    const someone = t.users.find((u) => !u.disabled && !t.workspaceMemberships.some((m) => m.lsUserId === u.lsUserId && m.workspaceId === t.workspaces[0]!.id))!;
    sim.state.setWorkspaceRole(t.workspaces[0]!.id, someone.lsUserId, t.roles.find((r) => r.name === "WORKSPACE_ADMIN")!.id);
    assert.equal((await runCli([...base, "--file", file], { env })).code, 0);
    const r = await runCli(["report", file, "-o", html, "--since", older]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => sim?.close());

  it("search, role and workspace filters, panels; implicit access marked; nothing fetched", async () => {
    assert.equal(statSync(html).mode & 0o777, 0o600);
    const { chromium } = await import("playwright-core");
    const profile = mkdtempSync(join(tmpdir(), "baton-langsmith-chromium-"));
    const ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1100, height: 640 } });
    try {
      const page = await ctx.newPage();
      const requested: string[] = [];
      page.on("request", (req) => requested.push(req.url()));
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(pathToFileURL(html).href);
      await page.waitForFunction(() => window.__report !== undefined);
      const truth = sim.truth();
      const orgAdmin = truth.roles.find((r) => r.name === "ORGANIZATION_ADMIN")!;
      assert.match(await page.textContent("#count") ?? "", new RegExp(`^${truth.users.length} of ${truth.users.length} people · ${truth.workspaces.length} workspaces`));
      assert.ok((await page.textContent("#meta"))?.includes("sync.c1z"));
      assert.equal(await page.isVisible("#changes"), true, "--since shows the changes");

      // Search: one person by a unique part of their email.
      const target = truth.users.find((u) => u.orgRoleId !== orgAdmin.id && !u.disabled)!;
      await page.fill("#q", target.email);
      await page.waitForFunction((n) => document.querySelectorAll("#sizer .n").length === n, 1);
      assert.deepEqual(await page.$$eval("#sizer .n", (els) => els.map((e) => e.textContent)), [target.fullName]);
      const targetCells = await page.$$eval("#sizer .c .cell", (els) => els.map((e) => ({ text: e.textContent, implicit: e.classList.contains("i") })));
      const direct = truth.workspaceMemberships.filter((m) => m.lsUserId === target.lsUserId);
      assert.equal(targetCells.length, direct.length);
      assert.ok(targetCells.every((c) => !c.implicit), "a non-admin has no implicit access");

      // Role filter: Organization Admins only; each is Admin (implicit) in every workspace column.
      await page.fill("#q", "");
      const optionValue = await page.$eval("#f-role", (sel, name) => [...(sel as any).options].find((o: any) => o.text === `${name} (organization)`)!.value, orgAdmin.displayName);
      await page.selectOption("#f-role", optionValue);
      const admins = truth.users.filter((u) => u.orgRoleId === orgAdmin.id).map((u) => u.fullName).sort();
      await page.waitForFunction((n) => document.querySelectorAll("#sizer .n").length === n, admins.length);
      assert.deepEqual((await page.$$eval("#sizer .n", (els) => els.map((e) => e.textContent))).sort(), admins);
      // The screenshot (README's docs/report.png): Organization Admins, implicit Admin in every workspace.
      const shot = join(dir, "report.png");
      await page.screenshot({ path: shot, clip: { x: 0, y: 0, width: 1100, height: 640 } });
      assert.ok(statSync(shot).size > 10_000);
      if (process.env.BATON_REPORT_SCREENSHOT) copyFileSync(shot, process.env.BATON_REPORT_SCREENSHOT);
      const ws = truth.workspaces[1]!;
      await page.selectOption("#f-ws", { label: ws.displayName });
      await page.waitForFunction(() => document.querySelectorAll("#sizer .h").length === 1);
      const adminCells = await page.$$eval("#sizer .c", (els) => els.map((e) => [...e.querySelectorAll(".cell")].map((c) => `${c.textContent}${c.classList.contains("i") ? "*" : ""}`).join(" ")));
      assert.equal(adminCells.length, admins.length, "every Org Admin has access to the workspace");
      for (const c of adminCells) assert.match(c, /Admin/);
      assert.ok(adminCells.some((c) => c.includes("Admin*")), "implicit access is marked as such");

      // Status filter + panels.
      await page.selectOption("#f-role", "");
      await page.selectOption("#f-ws", "");
      await page.selectOption("#f-status", "disabled");
      const disabledCount = truth.users.filter((u) => u.disabled).length;
      await page.waitForFunction((n) => document.querySelectorAll("#sizer .n").length === n, disabledCount);
      await page.selectOption("#f-status", "");
      await page.fill("#q", target.email);
      await page.waitForFunction((n) => document.querySelectorAll("#sizer .n").length === n, 1);
      await page.click("#sizer .n");
      assert.ok((await page.textContent("#panel-body"))?.includes(target.email));
      await page.click("#panel-close");
      await page.fill("#q", "");
      await page.waitForFunction((n) => document.querySelectorAll("#sizer .n").length > 1, 0);
      await page.click(`#sizer .h[data-w]`);
      assert.match((await page.textContent("#panel-body")) ?? "", /People with access \(\d+\)/);
      await page.click("#panel-close");

      assert.deepEqual(errors, []);
      assert.deepEqual(requested.filter((u) => !u.startsWith("file:")), [], "the report fetches nothing");
    } finally {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});

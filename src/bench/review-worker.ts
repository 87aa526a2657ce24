// Child process of the review benchmark: one `diff` or `report`, as the CLI runs it, then a JSON line of figures.
import { statSync } from "node:fs";
import { reportCommand } from "../cli/review-commands.js";
import { diffFiles } from "../review/diff.js";

const [what, a, b, c] = process.argv.slice(2);
const t0 = performance.now();
let extra: Record<string, unknown> = {};
if (what === "diff") {
  const d = await diffFiles(a!, b!);
  extra = { changes: d.changes.length, grantsAdded: d.summary.grantsAdded, grantsRemoved: d.summary.grantsRemoved, roleChanges: d.summary.roleChanges };
} else {
  const out = await reportCommand(a!, { output: b, format: c ?? "html" });
  extra = { bytes: statSync(out.output).size };
}
const cpu = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssBytes: process.resourceUsage().maxRSS * 1024, ...extra })}\n`);

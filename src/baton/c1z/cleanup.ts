// Safety net for private working directories (writer DBs, reader copies) and the writer's
// temporary output file: removed on normal process exit (including process.exit()) if
// their owner did not get to it. (A process killed by a signal it does not handle exits
// without this; the CLI handles SIGINT/SIGTERM by calling abort().)
// Owners still clean up themselves; this only catches forgotten close()/abort() calls.
import { rmSync } from "node:fs";

const dirs = new Set<string>();
let hooked = false;

export function trackWorkDir(dir: string): void {
  dirs.add(dir);
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });
  }
}

export function untrackWorkDir(dir: string): void {
  dirs.delete(dir);
}

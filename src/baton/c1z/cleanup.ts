// Safety net for private working directories (writer DBs, reader copies) and the writer's
// temporary output file: removed on normal process exit (including process.exit()) if
// their owner did not get to it. (A process killed by a signal it does not handle exits
// without this; the CLI handles SIGINT/SIGTERM by calling abort().)
// Owners still clean up themselves; this only catches forgotten close()/abort() calls.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

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

// Leftovers of a process killed with SIGKILL (no exit hook runs): their names carry the owner's pid, so a
// later run can tell an abandoned file from one another live process is still writing.

/** `.<target name>.<pid>.<random>.tmp`, beside the target. */
export function tempOutputName(targetBase: string, random: string): string {
  return `.${targetBase}.${process.pid}.${random}.tmp`;
}

/** Prefix of private working directories under the temp dir. */
export function workDirPrefix(kind: "write" | "read"): string {
  return `baton-c1z-${kind === "read" ? "read-" : ""}${process.pid}-`;
}

/** Removes entries of `dir` that `pidOf` attributes to a process that no longer exists. Best effort. */
export function sweepAbandoned(dir: string, pidOf: (name: string) => number | undefined): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const pid = pidOf(name);
    if (pid === undefined || pid === process.pid || isAlive(pid)) continue;
    try {
      rmSync(join(dir, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // another run may be sweeping the same leftovers
    }
  }
  return removed;
}

export function abandonedTempOutputs(targetBase: string): (name: string) => number | undefined {
  const prefix = `.${targetBase}.`;
  return (name) => {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) return undefined;
    const m = /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length));
    return m ? Number(m[1]) : undefined;
  };
}

export function abandonedWorkDirs(name: string): number | undefined {
  const m = /^baton-c1z-(?:read-)?(\d+)-/.exec(name);
  return m ? Number(m[1]) : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, but not ours
  }
}

// Whether a .c1z can be published at a path: the one check both the CLI (before any remote call) and the
// writer (before any work) make, so they cannot disagree.
import { randomBytes } from "node:crypto";
import { constants as fsConstants } from "node:fs";
import { open, rm, stat } from "node:fs/promises";
import path from "node:path";
import { tempOutputName } from "./cleanup.js";

export type TargetProblem =
  | { kind: "missing-dir"; dir: string; cause: unknown }
  | { kind: "unreadable-dir"; dir: string; cause: unknown; detail: string }
  | { kind: "not-a-dir"; dir: string }
  | { kind: "is-directory"; dir: string }
  | { kind: "unwritable"; dir: string; cause: unknown; detail: string };

/** What stands in the way of publishing `target` (an absolute path), or undefined when nothing does. */
export async function targetProblem(target: string): Promise<TargetProblem | undefined> {
  const dir = path.dirname(target);
  let dirStat;
  try {
    dirStat = await stat(dir);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return e.code === "ENOENT" ? { kind: "missing-dir", dir, cause: err } : { kind: "unreadable-dir", dir, cause: err, detail: e.message };
  }
  if (!dirStat.isDirectory()) return { kind: "not-a-dir", dir };
  const targetStat = await stat(target).catch(() => undefined);
  if (targetStat?.isDirectory()) return { kind: "is-directory", dir };
  // A real create+remove: access(W_OK) says yes to root even on read-only mounts. Named like a temp
  // output (with our pid), so a run killed right here leaves nothing the next run would not sweep.
  const probe = path.join(dir, tempOutputName(path.basename(target), randomBytes(6).toString("hex")));
  try {
    const fh = await open(probe, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY);
    await fh.close();
    await rm(probe, { force: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { kind: "unwritable", dir, cause: err, detail: e.code ?? e.message };
  }
  return undefined;
}

// Helpers for the .c1z store tests: upstream fixtures in ../shared (read in place, never
// copied), scratch directories, and wrapping a SQLite file into a .c1z by hand.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { compress } from "zstd-napi";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const sharedDir = path.resolve(repoRoot, "../shared");
export const fixturesDir = path.join(sharedDir, "baton", "fixtures");
export const fixture = (name: "upstream-current-schema" | "upstream-old-schema" | "upstream-unfinished") => path.join(fixturesDir, `${name}.c1z`);
/** `skip` option for tests needing the upstream fixtures: false when present, else the reason. */
export const fixturesSkip: string | false = existsSync(fixture("upstream-current-schema")) ? false : `upstream .c1z fixtures not found in ${fixturesDir} (../shared absent)`;

export function scratchDir(t: { after: (fn: () => void) => void }, prefix = "c1z-test-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Wraps raw bytes as "C1ZF\0" + one zstd frame. */
export function wrapC1z(payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from("C1ZF\0", "latin1"), compress(payload)]);
}

/** Builds a SQLite file with `setup`, then writes it as a .c1z at `out`. */
export function buildC1z(dir: string, out: string, setup: (db: Database.Database) => void): void {
  const dbPath = path.join(dir, `build-${Math.random().toString(36).slice(2)}.db`);
  const db = new Database(dbPath);
  setup(db);
  db.close();
  writeFileSync(out, wrapC1z(readFileSync(dbPath)));
  rmSync(dbPath, { force: true });
}

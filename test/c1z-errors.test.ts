// Bad input files: each kind gets its own error class and a one-line, actionable message.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { compress } from "zstd-napi";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { C1zWriter } from "../src/baton/c1z/writer.js";
import { C1zCorruptError, C1zError, C1zNotC1zError, C1zNotSqliteError, C1zV3FormatError } from "../src/baton/c1z/errors.js";
import { newEntitlement, newGrant, newResource, resourceId } from "../src/baton/model.js";
import { buildC1z, scratchDir, wrapC1z } from "./support/c1z-helpers.js";

async function openFails(file: string, workDir: string, cls: new (...a: never[]) => C1zError, message: RegExp): Promise<void> {
  await assert.rejects(C1zReader.open(file, { workDir }), (err: unknown) => {
    assert.ok(err instanceof cls, `${(err as Error).name}: ${(err as Error).message}`);
    assert.ok(err instanceof C1zError);
    assert.match(err.message, message);
    assert.ok(err.message.includes(file), "names the file");
    assert.ok(!err.message.includes("\n"), "one line");
    assert.equal(err.file, file);
    return true;
  });
  // No temporary files left behind.
  assert.deepEqual(readdirSync(workDir).filter((f) => f.startsWith("baton-c1z-read-")), []);
}

async function writeRealFile(dir: string): Promise<string> {
  const file = path.join(dir, "real.c1z");
  const w = await C1zWriter.create(file, { workDir: dir });
  const ws = newResource(resourceId("workspace", "w"), "W");
  const ent = newEntitlement(ws, "member", "assignment");
  w.putResources([ws]);
  w.putGrants(Array.from({ length: 2000 }, (_, i) => newGrant(ent, resourceId("user", `u-${i}-${randomBytes(8).toString("hex")}`))));
  await w.finish();
  return file;
}

test("an empty file is not a .c1z", async (t) => {
  const dir = scratchDir(t);
  const file = path.join(dir, "empty.c1z");
  writeFileSync(file, "");
  await openFails(file, dir, C1zNotC1zError, /is empty, not a \.c1z/);
});

test("random bytes are not a .c1z", async (t) => {
  const dir = scratchDir(t);
  const file = path.join(dir, "random.c1z");
  writeFileSync(file, randomBytes(4096));
  await openFails(file, dir, C1zNotC1zError, /is not a \.c1z file/);
  writeFileSync(file, "C1");
  await openFails(file, dir, C1zNotC1zError, /is not a \.c1z file/);
});

test("a v3 (Pebble) file is recognised and explained", async (t) => {
  const dir = scratchDir(t);
  const file = path.join(dir, "v3.c1z");
  writeFileSync(file, Buffer.concat([Buffer.from("C1Z3\0", "latin1"), Buffer.from([0, 0, 0, 4]), randomBytes(64)]));
  await openFails(file, dir, C1zV3FormatError, /Pebble engine; this tool reads v1 \(SQLite\) files — re-run the sync with this connector/);
});

test("a truncated zstd stream is reported as truncated", async (t) => {
  const dir = scratchDir(t);
  const real = readFileSync(await writeRealFile(dir));
  const file = path.join(dir, "cut.c1z");
  writeFileSync(file, real.subarray(0, Math.floor(real.length / 2)));
  await openFails(file, dir, C1zCorruptError, /truncated/);
  writeFileSync(file, real.subarray(0, 5)); // magic only
  await openFails(file, dir, C1zCorruptError, /truncated/);
});

test("a corrupt zstd stream is reported as corrupt", async (t) => {
  const dir = scratchDir(t);
  const real = Buffer.from(readFileSync(await writeRealFile(dir)));
  const file = path.join(dir, "flipped.c1z");
  for (let i = Math.floor(real.length / 3); i < Math.floor(real.length / 3) + 64; i++) real[i] = real[i]! ^ 0xa5;
  writeFileSync(file, real);
  await openFails(file, dir, C1zCorruptError, /is corrupt: its zstd stream cannot be decoded/);
  writeFileSync(file, Buffer.concat([Buffer.from("C1ZF\0", "latin1"), randomBytes(1000)]));
  await openFails(file, dir, C1zCorruptError, /is corrupt/);
});

test("valid magic and zstd around something that is not SQLite", async (t) => {
  const dir = scratchDir(t);
  const file = path.join(dir, "notsqlite.c1z");
  writeFileSync(file, wrapC1z(Buffer.from("definitely not a database ".repeat(100))));
  await openFails(file, dir, C1zNotSqliteError, /payload is not a SQLite database/);
  writeFileSync(file, Buffer.concat([Buffer.from("C1ZF\0", "latin1"), compress(Buffer.alloc(0))]));
  await openFails(file, dir, C1zNotSqliteError, /payload is not a SQLite database/);
});

test("a SQLite database without Baton's tables", async (t) => {
  const dir = scratchDir(t);
  const file = path.join(dir, "other.c1z");
  buildC1z(dir, file, (db) => db.exec("create table unrelated (x)"));
  await openFails(file, dir, C1zNotSqliteError, /without Baton's v1 tables/);
});

test("a missing file", async (t) => {
  const dir = scratchDir(t);
  const file = path.join(dir, "missing.c1z");
  await openFails(file, dir, C1zError, /does not exist/);
});

test("a directory is not a .c1z", async (t) => {
  const dir = scratchDir(t);
  await openFails(dir, dir, C1zNotC1zError, /is not a regular file/);
});

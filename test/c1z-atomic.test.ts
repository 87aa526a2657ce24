// Publishing is atomic: the target is either the old file or the complete new one, and
// no working or temporary file survives.
import assert from "node:assert/strict";
import { mkdirSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync, writeFileSync, closeSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { C1zWriter } from "../src/baton/c1z/writer.js";
import { C1zClosedError, C1zTargetError } from "../src/baton/c1z/errors.js";
import { newEntitlement, newGrant, newResource, resourceId } from "../src/baton/model.js";
import { repoRoot, scratchDir } from "./support/c1z-helpers.js";

function fill(w: C1zWriter, n = 50): void {
  const ws = newResource(resourceId("workspace", "w"), "W");
  const ent = newEntitlement(ws, "member", "assignment");
  w.putResources([ws]);
  w.putEntitlements([ent]);
  w.putGrants(Array.from({ length: n }, (_, i) => newGrant(ent, resourceId("user", `u${i}`))));
}

/** An output dir holding a previous `sync.c1z`, and a separate private work dir. */
function previousTarget(t: Parameters<typeof scratchDir>[0]): { out: string; work: string; target: string } {
  const dir = scratchDir(t);
  const out = path.join(dir, "out");
  const work = path.join(dir, "work");
  mkdirSync(out);
  mkdirSync(work);
  const target = path.join(out, "sync.c1z");
  writeFileSync(target, "previous contents");
  return { out, work, target };
}

test("abort leaves an existing target byte-identical and removes every temporary file", async (t) => {
  const { out, work, target } = previousTarget(t);
  const before = statSync(target);
  const w = await C1zWriter.create(target, { workDir: work });
  fill(w);
  assert.equal(readdirSync(work).length, 1, "a private work dir exists while writing");
  await w.abort();
  await w.abort(); // idempotent
  assert.equal(readFileSync(target, "utf8"), "previous contents");
  assert.equal(statSync(target).ino, before.ino);
  assert.deepEqual(readdirSync(out), ["sync.c1z"]);
  assert.deepEqual(readdirSync(work), []);
  assert.throws(() => w.putGrants([]), C1zClosedError);
});

test("finish replaces an existing target by rename, leaving no temporary files", async (t) => {
  const { out, work, target } = previousTarget(t);
  const oldIno = statSync(target).ino;
  // A reader that opened the old file keeps seeing it: the new file is a different inode.
  const fd = openSync(target, "r");
  t.after(() => closeSync(fd));
  const w = await C1zWriter.create(target, { workDir: work });
  fill(w);
  const done = await w.finish();
  assert.notEqual(statSync(target).ino, oldIno);
  const buf = Buffer.alloc(17);
  readSync(fd, buf, 0, 17, 0);
  assert.equal(buf.toString(), "previous contents");
  assert.equal(statSync(target).size, done.bytes);
  assert.deepEqual(readdirSync(out), ["sync.c1z"]);
  assert.deepEqual(readdirSync(work), []);
  const r = await C1zReader.open(target);
  assert.equal(r.counts().grants, 50);
  r.close();
  assert.throws(() => w.putResources([]), C1zClosedError);
  await assert.rejects(w.finish(), C1zClosedError);
  await w.abort(); // no-op after finish
  assert.ok(statSync(target).size > 0);
});

test("a failing finish leaves the target untouched and cleans up", async (t) => {
  const dir = scratchDir(t);
  const work = path.join(dir, "work");
  mkdirSync(work);
  const target = path.join(dir, "sync.c1z");
  writeFileSync(target, "previous contents");
  const w = await C1zWriter.create(target, { workDir: work });
  fill(w);
  // Sabotage: remove the working directory's database file from under the writer.
  for (const sub of readdirSync(work)) rmSync(path.join(work, sub, "sync.db"));
  await assert.rejects(w.finish(), /could not write .*sync\.c1z.*previous file \(if any\) was left as it was/);
  assert.equal(readFileSync(target, "utf8"), "previous contents");
  assert.deepEqual(readdirSync(dir).sort(), ["sync.c1z", "work"]);
  assert.deepEqual(readdirSync(work), []);
});

test("create() fails fast when the target cannot be written", async (t) => {
  const dir = scratchDir(t);
  const work = path.join(dir, "work");
  mkdirSync(work);
  const missing = path.join(dir, "no", "such", "dir", "sync.c1z");
  await assert.rejects(C1zWriter.create(missing, { workDir: work }), (err: unknown) => {
    assert.ok(err instanceof C1zTargetError);
    assert.match(err.message, /directory .*no\/such\/dir does not exist/);
    return true;
  });
  await assert.rejects(C1zWriter.create(dir, { workDir: work }), { name: "C1zTargetError", message: /is a directory/ });
  const file = path.join(dir, "plain-file");
  writeFileSync(file, "x");
  await assert.rejects(C1zWriter.create(path.join(file, "sync.c1z"), { workDir: work }), { name: "C1zTargetError", message: /is not a directory/ });
  assert.deepEqual(readdirSync(work), [], "no work was started");
  assert.deepEqual(readdirSync(dir).sort(), ["plain-file", "work"]);
});

test("working files of a forgotten writer or reader are removed when the process exits", async (t) => {
  const dir = scratchDir(t);
  const work = path.join(dir, "work");
  mkdirSync(work);
  const done = path.join(dir, "done.c1z");
  const w = await C1zWriter.create(done, { workDir: work });
  fill(w, 5);
  await w.finish();
  const script = `
    import { C1zWriter } from ${JSON.stringify(path.join(repoRoot, "src/baton/c1z/writer.ts"))};
    import { C1zReader } from ${JSON.stringify(path.join(repoRoot, "src/baton/c1z/reader.ts"))};
    const w = await C1zWriter.create(${JSON.stringify(path.join(dir, "never.c1z"))}, { workDir: ${JSON.stringify(work)} });
    const r = await C1zReader.open(${JSON.stringify(done)}, { workDir: ${JSON.stringify(work)} });
    if ((await import("node:fs")).readdirSync(${JSON.stringify(work)}).length !== 2) process.exit(3);
    process.exit(0);`;
  const { spawnSync } = await import("node:child_process");
  const res = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", cwd: repoRoot });
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(readdirSync(work), []);
  assert.deepEqual(readdirSync(dir).sort(), ["done.c1z", "work"]);
});

test("leftovers of killed writers: a successful finish removes temp outputs of dead processes, and keeps those of live ones", async (t) => {
    const dir = scratchDir(t);
    const join = path.join;
    const dead = 2 ** 22 + 12345; // above Linux's default pid_max: never a live process
    writeFileSync(join(dir, `.sync.c1z.${dead}.abcdef.tmp`), "partial");
    writeFileSync(join(dir, `.sync.c1z.${process.pid}.abcdef.tmp`), "ours, in use");
    writeFileSync(join(dir, `.other.c1z.${dead}.abcdef.tmp`), "another target's");
    const w = await C1zWriter.create(join(dir, "sync.c1z"));
    await w.finish();
    assert.deepEqual(readdirSync(dir).sort(), [`.other.c1z.${dead}.abcdef.tmp`, `.sync.c1z.${process.pid}.abcdef.tmp`, "sync.c1z"].sort());
  });

// The atomic-file helper the writer publishes with: private mode, O_EXCL, old-or-new only.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { AtomicFile } from "../src/baton/atomic-file.js";
import { runFullSync } from "../src/connector/full-sync.js";
import { LangSmithClient, silentLogger } from "../src/langsmith/index.js";
import { startSimulator } from "../src/simulator/index.js";
import { tmpDir } from "./support/cli.js";

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe("AtomicFile", () => {
  const original = process.umask();
  afterEach(() => process.umask(original));

  for (const [umask, expected] of [
    [0o022, 0o600],
    [0o077, 0o600],
    [0o000, 0o600],
    [0o277, 0o400],
  ] as const) {
    it(`publishes with mode ${expected.toString(8)} under umask ${umask.toString(8).padStart(3, "0")}`, async () => {
      process.umask(umask);
      const dir = tmpDir();
      const target = join(dir, "out.c1z");
      const file = await AtomicFile.create(target, join(dir, ".out.c1z.tmp"));
      await file.handle.write("new");
      await file.publish();
      assert.equal(modeOf(target), expected);
      assert.equal(readFileSync(target, "utf8"), "new");
      assert.deepEqual(readdirSync(dir), ["out.c1z"]);
    });
  }

  it("replaces an existing world-readable file with a private one", async () => {
    process.umask(0o022);
    const dir = tmpDir();
    const target = join(dir, "out.c1z");
    writeFileSync(target, "old", { mode: 0o644 });
    const file = await AtomicFile.create(target, join(dir, ".out.c1z.tmp"));
    await file.handle.write("new");
    await file.publish();
    assert.equal(modeOf(target), 0o600);
  });

  it("never reuses an existing temporary file (O_EXCL), and discard leaves the target as it was", async () => {
    const dir = tmpDir();
    const target = join(dir, "out.c1z");
    writeFileSync(target, "old");
    writeFileSync(join(dir, ".taken.tmp"), "someone else's");
    await assert.rejects(AtomicFile.create(target, join(dir, ".taken.tmp")), { code: "EEXIST" });
    const file = await AtomicFile.create(target, join(dir, ".out.c1z.tmp"));
    await file.handle.write("half");
    await file.discard();
    assert.equal(readFileSync(target, "utf8"), "old");
    assert.deepEqual(readdirSync(dir).sort(), [".taken.tmp", "out.c1z"]);
  });

  it("refuses a temporary file outside the target's directory (the rename must not cross filesystems)", async () => {
    await assert.rejects(AtomicFile.create(join(tmpDir(), "a.c1z"), join(tmpDir(), ".a.tmp")), /must be in the directory of/);
  });

  it("a synced .c1z is private (0600)", async () => {
    process.umask(0o022);
    const sim = await startSimulator({ users: 3, workspaces: 1 });
    try {
      const file = join(tmpDir(), "sync.c1z");
      const client = new LangSmithClient({ apiKey: sim.keys.admin, organizationId: sim.orgId, baseUrl: sim.url });
      await runFullSync({ client, file, logger: silentLogger, concurrency: 4 }, new AbortController().signal);
      assert.equal(modeOf(file), 0o600);
    } finally {
      await sim.close();
    }
  });
});

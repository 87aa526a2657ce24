// Timestamps in the SDK's text layout, KSUID sync ids, and which sync a reader scopes to.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { C1zWriter } from "../src/baton/c1z/writer.js";
import { newKsuid, parseKsuid } from "../src/baton/c1z/ksuid.js";
import { INDEXES, TABLE_DDL } from "../src/baton/c1z/schema.js";
import { formatSdkTimestamp, parseSdkTimestamp } from "../src/baton/c1z/timestamps.js";
import { newEntitlement, newGrant, newResource, newResourceType, resourceId } from "../src/baton/model.js";
import { buildC1z, scratchDir } from "./support/c1z-helpers.js";

const SDK_LAYOUT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d*[1-9])?$/;

test("timestamps use Go's layout in UTC: trailing zeros trimmed, no dot at zero", () => {
  assert.equal(formatSdkTimestamp(new Date("2025-12-17T16:31:25.058Z")), "2025-12-17 16:31:25.058");
  assert.equal(formatSdkTimestamp(new Date("2025-12-17T16:31:25.500Z")), "2025-12-17 16:31:25.5");
  assert.equal(formatSdkTimestamp(new Date("2025-12-17T16:31:25.000Z")), "2025-12-17 16:31:25");
  assert.equal(formatSdkTimestamp(new Date("2025-01-02T03:04:05.010Z")), "2025-01-02 03:04:05.01");
  assert.throws(() => formatSdkTimestamp(new Date(NaN)));
});

test("timestamps parse in every layout the SDK's driver accepts, as UTC", () => {
  assert.equal(parseSdkTimestamp("2025-12-17 16:31:25.058715")?.toISOString(), "2025-12-17T16:31:25.058Z");
  assert.equal(parseSdkTimestamp("2025-12-17 16:31:25")?.toISOString(), "2025-12-17T16:31:25.000Z");
  assert.equal(parseSdkTimestamp("2025-12-17T16:31:25.5Z")?.toISOString(), "2025-12-17T16:31:25.500Z");
  assert.equal(parseSdkTimestamp("2025-12-17 18:31:25+02:00")?.toISOString(), "2025-12-17T16:31:25.000Z");
  assert.equal(parseSdkTimestamp("2025-12-17 16:31")?.toISOString(), "2025-12-17T16:31:00.000Z");
  assert.equal(parseSdkTimestamp("2025-12-17")?.toISOString(), "2025-12-17T00:00:00.000Z");
  assert.equal(parseSdkTimestamp("17/12/2025"), undefined);
  assert.equal(parseSdkTimestamp(null), undefined);
});

test("every timestamp the writer stores is SDK layout text of its clock", async (t) => {
  const dir = scratchDir(t);
  const file = path.join(dir, "sync.c1z");
  let tick = Date.parse("2026-01-02T03:04:05.000Z");
  const w = await C1zWriter.create(file, { now: () => new Date((tick += 250)) });
  const ws = newResource(resourceId("workspace", "w"), "W");
  const ent = newEntitlement(ws, "member", "assignment");
  w.putResourceTypes([newResourceType("workspace", "Workspace", [])]);
  w.putResources([ws]);
  w.putEntitlements([ent]);
  w.putGrants([newGrant(ent, resourceId("user", "u"))]);
  await w.finish();
  const r = await C1zReader.open(file);
  t.after(() => r.close());
  const [run] = [...r.rawRows("v1_sync_runs")];
  assert.equal(run?.started_at, "2026-01-02 03:04:05.25");
  assert.equal(run?.ended_at, "2026-01-02 03:04:06.5");
  const discovered = ["v1_resource_types", "v1_resources", "v1_entitlements", "v1_grants"].map((tb) => [...r.rawRows(tb as "v1_grants")][0]?.discovered_at);
  assert.deepEqual(discovered, ["2026-01-02 03:04:05.5", "2026-01-02 03:04:05.75", "2026-01-02 03:04:06", "2026-01-02 03:04:06.25"]);
  for (const v of [run?.started_at, run?.ended_at, ...discovered]) assert.match(String(v), SDK_LAYOUT);
  assert.equal(r.latestFinishedSync()?.endedAt?.toISOString(), "2026-01-02T03:04:06.500Z");
});

test("sync ids are KSUIDs: 27 base62 characters encoding the creation time", async (t) => {
  // KSUIDs carry whole seconds: the id's time lies between the second before and the moment after (bounds
  // that hold at any machine speed).
  const within = (t: Date, from: number, to: number) => assert.ok(t.getTime() >= Math.floor(from / 1000) * 1000 && t.getTime() <= to, t.toISOString());
  const before = Date.now();
  const id = newKsuid();
  within(parseKsuid(id)!.time, before, Date.now());
  assert.match(id, /^[0-9A-Za-z]{27}$/);
  const parsed = parseKsuid(id)!;
  assert.equal(parsed.payload.length, 16);
  assert.notEqual(newKsuid(), id);
  // Upstream's id decodes to its sync's start: 23:31:25 UTC, which its Go writer stored as
  // local wall-clock text "2025-12-17 16:31:25.057185" (UTC-7) — hence we write UTC text.
  assert.equal(parseKsuid("36zfOAoWMxQdISbixanQCRBiX7E")?.time.toISOString(), "2025-12-17T23:31:25.000Z");
  // Fixed width base62 in ASCII order: string order is time order.
  const older = newKsuid(new Date("2020-01-01T00:00:00Z"));
  assert.ok(older < id);
  assert.equal(parseKsuid("not-a-ksuid"), undefined);
  assert.equal(parseKsuid("zzzzzzzzzzzzzzzzzzzzzzzzzzz"), undefined, "above 2^160");

  const dir = scratchDir(t);
  const created = Date.now();
  const w = await C1zWriter.create(path.join(dir, "s.c1z"));
  assert.match(w.syncId, /^[0-9A-Za-z]{27}$/);
  within(parseKsuid(w.syncId)!.time, created, Date.now());
  await w.abort();
});

function syncDb(runs: { id: string; started: string; ended: string | null; type?: string }[]) {
  return (db: Database.Database) => {
    for (const ddl of TABLE_DDL) db.exec(ddl);
    for (const ix of INDEXES) db.exec(ix.sql);
    const ins = db.prepare("insert into v1_sync_runs (sync_id, started_at, ended_at, sync_token, sync_type) values (?, ?, ?, '', ?)");
    const rt = db.prepare("insert into v1_resource_types (external_id, data, sync_id, discovered_at) values (?, x'', ?, ?)");
    for (const r of runs) {
      ins.run(r.id, r.started, r.ended, r.type ?? "full");
      rt.run(`rt-of-${r.id}`, r.id, r.started);
    }
  };
}

test("reads are scoped to the latest finished sync of any type (ties: greatest sync id)", async (t) => {
  const dir = scratchDir(t);
  const file = path.join(dir, "multi.c1z");
  const old = formatSdkTimestamp(new Date(Date.now() - 3600_000));
  const recent = formatSdkTimestamp(new Date(Date.now() - 60_000));
  buildC1z(dir, file, syncDb([
    { id: newKsuid(), started: old, ended: old },
    { id: "BBBBBBBBBBBBBBBBBBBBBBBBBBB", started: old, ended: recent, type: "partial" },
    { id: "AAAAAAAAAAAAAAAAAAAAAAAAAAA", started: old, ended: recent },
    { id: newKsuid(), started: recent, ended: null },
  ]));
  const r = await C1zReader.open(file);
  t.after(() => r.close());
  assert.equal(r.latestFinishedSync()?.syncId, "BBBBBBBBBBBBBBBBBBBBBBBBBBB");
  assert.equal(r.selectedSync()?.syncType, "partial");
  assert.deepEqual([...r.resourceTypes()].length, 1);
  assert.equal([...r.rawRows("v1_resource_types")][0]?.external_id, "rt-of-BBBBBBBBBBBBBBBBBBBBBBBBBBB");
  assert.equal([...r.rawRows("v1_resource_types", { allSyncs: true })].length, 4);
  const pinned = await C1zReader.open(file, { syncId: "AAAAAAAAAAAAAAAAAAAAAAAAAAA" });
  t.after(() => pinned.close());
  assert.equal([...pinned.rawRows("v1_resource_types")][0]?.external_id, "rt-of-AAAAAAAAAAAAAAAAAAAAAAAAAAA");
});

test("without a finished sync: a recent unfinished one, else no scope at all", async (t) => {
  const dir = scratchDir(t);
  const recentFile = path.join(dir, "recent.c1z");
  const recentId = newKsuid();
  buildC1z(dir, recentFile, syncDb([
    { id: newKsuid(), started: formatSdkTimestamp(new Date(Date.now() - 3 * 86400_000)), ended: null },
    { id: recentId, started: formatSdkTimestamp(new Date(Date.now() - 86400_000)), ended: null },
  ]));
  const recent = await C1zReader.open(recentFile);
  t.after(() => recent.close());
  assert.equal(recent.latestFinishedSync(), undefined);
  assert.equal(recent.selectedSync()?.syncId, recentId);
  assert.equal(recent.counts().resourceTypes, 1);

  const staleFile = path.join(dir, "stale.c1z");
  buildC1z(dir, staleFile, syncDb([
    { id: newKsuid(), started: formatSdkTimestamp(new Date(Date.now() - 8 * 86400_000)), ended: null },
    { id: newKsuid(), started: formatSdkTimestamp(new Date(Date.now() - 9 * 86400_000)), ended: null },
  ]));
  const stale = await C1zReader.open(staleFile);
  t.after(() => stale.close());
  assert.equal(stale.selectedSync(), undefined);
  assert.equal(stale.counts().resourceTypes, 2);
});

// Reads v1 .c1z files (current and older v1 schemas): the zstd payload is streamed to a
// private temporary file, which is opened with SQLite and queried like `baton` does.
//
// Reads are scoped to one sync, as `baton` picks it: the latest finished sync of any type; failing
// that, the newest unfinished sync started in the last 7 days; failing that, no scope.
// Listings page through rows by rowid (like the SDK), so no SQLite cursor stays open
// between yields and other reads may run while iterating.
import Database from "better-sqlite3";
import { mkdtemp, open, rm, type FileHandle } from "node:fs/promises";
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fromBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { GrantExpandableSchema } from "../gen/c1/connector/v2/annotations_pb.js";
import { EntitlementSchema, type Entitlement } from "../gen/c1/connector/v2/entitlement_pb.js";
import { GrantSchema, type Grant } from "../gen/c1/connector/v2/grant_pb.js";
import { ResourceSchema, ResourceTypeSchema, type Resource, type ResourceId, type ResourceType } from "../gen/c1/connector/v2/resource_pb.js";
import { resourceKey } from "../resource-key.js";
import { trackWorkDir, untrackWorkDir, workDirPrefix } from "./cleanup.js";
import { C1zClosedError, C1zCorruptError, C1zError, C1zNotC1zError, C1zNotSqliteError } from "./errors.js";
import { checkMagic, MAX_DECODED_BYTES, SQLITE_HEADER, ZSTD_WINDOW_LOG_MAX } from "./format.js";
import { schemaSignature, quoteIdent, type SchemaSignature } from "./schema.js";
import { parseSdkTimestamp } from "./timestamps.js";
import { decompressFile } from "./zstd.js";
import type { C1zCounts } from "./writer.js";

export interface SyncRun {
  syncId: string;
  startedAt?: Date;
  endedAt?: Date;
  syncType: string;
  parentSyncId: string;
  syncToken: string;
}

export type C1zTable =
  | "v1_resource_types"
  | "v1_resources"
  | "v1_entitlements"
  | "v1_grants"
  | "v1_sync_runs"
  | "v1_assets"
  | "v1_connector_sessions";

export interface C1zReaderOptions {
  /** Where the decompressed database goes (default os.tmpdir()). */
  workDir?: string;
  /** Read this sync instead of the default selection. */
  syncId?: string;
}

const PAGE = 1000;
const UNFINISHED_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export class C1zReader {
  private closed = false;
  private readonly scope: SyncRun | undefined;
  private readonly grantColumns: Set<string>;

  private constructor(
    readonly path: string,
    /** The decompressed SQLite database (removed by close()). */
    readonly dbPath: string,
    private readonly workDir: string,
    private readonly db: Database.Database,
    syncId: string | undefined,
  ) {
    this.grantColumns = new Set((db.pragma("table_info(v1_grants)") as { name: string }[]).map((c) => c.name));
    if (syncId !== undefined) {
      this.scope = this.syncRuns().find((r) => r.syncId === syncId);
      if (!this.scope) throw new C1zError(this.path, `${this.path} has no sync with id ${syncId}`);
    } else {
      this.scope = this.latestFinishedSync() ?? this.recentUnfinishedSync();
    }
  }

  static async open(file: string, opts: C1zReaderOptions = {}): Promise<C1zReader> {
    const workDir = await mkdtemp(path.join(opts.workDir ?? os.tmpdir(), workDirPrefix("read")));
    trackWorkDir(workDir);
    const dbPath = path.join(workDir, "sync.db");
    let db: Database.Database | undefined;
    try {
      await extract(file, dbPath);
      try {
        db = new Database(dbPath, { fileMustExist: true });
        db.pragma("query_only = 1");
        const tables = new Set(db.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[]);
        const missing = ["v1_sync_runs", "v1_resource_types", "v1_resources", "v1_entitlements", "v1_grants"].filter((t) => !tables.has(t));
        if (missing.length > 0) {
          throw new C1zNotSqliteError(file, `${file} holds a SQLite database without Baton's v1 tables (${missing.join(", ")} missing); it is not a Baton sync`);
        }
      } catch (err) {
        if (err instanceof C1zError) throw err;
        throw new C1zNotSqliteError(file, `${file} does not contain a readable SQLite database (${(err as Error).message}); the file is damaged`, { cause: err });
      }
      return new C1zReader(file, dbPath, workDir, db, opts.syncId);
    } catch (err) {
      if (db?.open) db.close();
      await rm(workDir, { recursive: true, force: true });
      untrackWorkDir(workDir);
      throw err;
    }
  }

  /** All sync runs, oldest first. */
  syncRuns(): SyncRun[] {
    this.assertOpen();
    const rows = this.db.prepare("select * from v1_sync_runs order by id").all() as Record<string, unknown>[];
    return rows.map(toSyncRun);
  }

  /** Finished syncs (ended_at set), newest ended_at first, ties broken by the greatest sync_id (the SDK's order). */
  latestFinishedSync(): SyncRun | undefined {
    this.assertOpen();
    const row = this.db.prepare("select * from v1_sync_runs where ended_at is not null order by ended_at desc, sync_id desc limit 1").get();
    return row ? toSyncRun(row as Record<string, unknown>) : undefined;
  }

  /** The sync all reads are scoped to; undefined means no scope (all rows). */
  selectedSync(): SyncRun | undefined {
    return this.scope;
  }

  resourceTypes(): IterableIterator<ResourceType> {
    return this.decoded("v1_resource_types", ResourceTypeSchema, "", []);
  }

  resources(filter: { resourceTypeId?: string; parent?: ResourceId } = {}): IterableIterator<Resource> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.resourceTypeId !== undefined) (where.push("resource_type_id = ?"), args.push(filter.resourceTypeId));
    if (filter.parent) (where.push("parent_resource_type_id = ? and parent_resource_id = ?"), args.push(filter.parent.resourceType, filter.parent.resource));
    return this.decoded("v1_resources", ResourceSchema, where.join(" and "), args);
  }

  entitlements(filter: { resource?: ResourceId } = {}): IterableIterator<Entitlement> {
    const where = filter.resource ? "resource_type_id = ? and resource_id = ?" : "";
    return this.decoded("v1_entitlements", EntitlementSchema, where, filter.resource ? [filter.resource.resourceType, filter.resource.resource] : []);
  }

  /**
   * Grants as stored in `data`. With `withExpansion`, a GrantExpandable kept in the
   * `expansion` column (current writers move it there) is appended back to annotations.
   */
  grants(filter: { principal?: ResourceId; entitlementId?: string; resource?: ResourceId; withExpansion?: boolean } = {}): IterableIterator<Grant> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.principal) (where.push("principal_resource_type_id = ? and principal_resource_id = ?"), args.push(filter.principal.resourceType, filter.principal.resource));
    if (filter.entitlementId !== undefined) (where.push("entitlement_id = ?"), args.push(filter.entitlementId));
    if (filter.resource) (where.push("resource_type_id = ? and resource_id = ?"), args.push(filter.resource.resourceType, filter.resource.resource));
    const withExpansion = filter.withExpansion === true && this.grantColumns.has("expansion");
    return this.decoded("v1_grants", GrantSchema, where.join(" and "), args, withExpansion ? restoreExpansion : undefined);
  }

  getResourceType(id: string): ResourceType | undefined {
    return this.getOne("v1_resource_types", ResourceTypeSchema, id);
  }

  getResource(id: ResourceId): Resource | undefined {
    return this.getOne("v1_resources", ResourceSchema, resourceKey(id));
  }

  getEntitlement(id: string): Entitlement | undefined {
    return this.getOne("v1_entitlements", EntitlementSchema, id);
  }

  getGrant(id: string): Grant | undefined {
    return this.getOne("v1_grants", GrantSchema, id);
  }

  counts(): C1zCounts {
    const count = (t: C1zTable) => {
      const [clause, args] = this.scopeClause("");
      return this.db.prepare(`select count(*) from ${t}${clause}`).pluck().get(...args) as number;
    };
    this.assertOpen();
    return { resourceTypes: count("v1_resource_types"), resources: count("v1_resources"), entitlements: count("v1_entitlements"), grants: count("v1_grants") };
  }

  /**
   * Raw rows of a table (all columns, blobs as Buffers), in rowid order, scoped to the
   * selected sync unless `allSyncs` (v1_sync_runs is never scoped).
   */
  *rawRows(table: C1zTable, opts: { allSyncs?: boolean } = {}): IterableIterator<Record<string, unknown>> {
    this.assertOpen();
    const scoped = table !== "v1_sync_runs" && !opts.allSyncs;
    const exists = this.db.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(table);
    if (!exists) return;
    const [clause, args] = scoped ? this.scopeClause("id > ?") : [" where id > ?", [] as unknown[]];
    const stmt = this.db.prepare(`select * from ${quoteIdent(table)}${clause} order by id limit ${PAGE}`);
    let last = -Infinity;
    for (;;) {
      this.assertOpen();
      const rows = stmt.all(...args, last) as Record<string, unknown>[];
      for (const r of rows) yield r;
      if (rows.length < PAGE) return;
      last = rows[rows.length - 1]!.id as number;
    }
  }

  schemaSignature(): SchemaSignature {
    this.assertOpen();
    return schemaSignature(this.db);
  }

  /** Closes the database and removes the temporary files. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.db.open) this.db.close();
    rmSync(this.workDir, { recursive: true, force: true });
    untrackWorkDir(this.workDir);
  }

  private recentUnfinishedSync(): SyncRun | undefined {
    const row = this.db.prepare("select * from v1_sync_runs where ended_at is null order by started_at desc, sync_id desc limit 1").get();
    const run = row ? toSyncRun(row as Record<string, unknown>) : undefined;
    if (!run?.startedAt || Date.now() - run.startedAt.getTime() > UNFINISHED_MAX_AGE_MS) return undefined;
    return run;
  }

  /** " where sync_id = ? [and extra]" for the selected sync, with its arguments. */
  private scopeClause(extra: string): [string, unknown[]] {
    const parts = [this.scope ? "sync_id = ?" : "", extra].filter((p) => p !== "");
    return [parts.length ? ` where ${parts.join(" and ")}` : "", this.scope ? [this.scope.syncId] : []];
  }

  private *decoded<Desc extends DescMessage>(
    table: C1zTable,
    schema: Desc,
    where: string,
    args: unknown[],
    post?: (msg: MessageShape<Desc>, row: Record<string, unknown>) => void,
  ): Generator<MessageShape<Desc>, void, undefined> {
    this.assertOpen();
    const cols = post ? "id, data, expansion" : "id, data";
    const [clause, scopeArgs] = this.scopeClause([where && `(${where})`, "id > ?"].filter(Boolean).join(" and "));
    const stmt = this.db.prepare(`select ${cols} from ${table}${clause} order by id limit ${PAGE}`);
    let last = -Infinity;
    for (;;) {
      this.assertOpen();
      const rows = stmt.all(...scopeArgs, ...args, last) as { id: number; data: Buffer; expansion?: Buffer | null }[];
      for (const r of rows) {
        const msg = this.decode(schema, r.data, table, r.id);
        post?.(msg, r);
        yield msg;
      }
      if (rows.length < PAGE) return;
      last = rows[rows.length - 1]!.id;
    }
  }

  private getOne<Desc extends DescMessage>(table: C1zTable, schema: Desc, externalId: string): MessageShape<Desc> | undefined {
    this.assertOpen();
    const [clause, args] = this.scopeClause("external_id = ?");
    const row = this.db.prepare(`select id, data from ${table}${clause} order by id desc limit 1`).get(...args, externalId) as { id: number; data: Buffer } | undefined;
    return row ? this.decode(schema, row.data, table, row.id) : undefined;
  }

  private decode<Desc extends DescMessage>(schema: Desc, data: Buffer, table: string, id: number): MessageShape<Desc> {
    try {
      // Unknown fields are kept (and re-encoded), like Go's default unmarshal keeps them.
      return fromBinary(schema, data);
    } catch (err) {
      throw new C1zCorruptError(this.path, `${this.path}: row ${id} of ${table} is not a valid ${schema.typeName} (${(err as Error).message})`, { cause: err });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new C1zClosedError(this.path, `the reader for ${this.path} is closed`);
  }
}

function restoreExpansion(g: Grant, row: Record<string, unknown>): void {
  const exp = row.expansion;
  if (exp instanceof Uint8Array && exp.length > 0) g.annotations.push(anyPack(GrantExpandableSchema, fromBinary(GrantExpandableSchema, exp)));
}

function toSyncRun(r: Record<string, unknown>): SyncRun {
  return {
    syncId: String(r.sync_id),
    startedAt: parseSdkTimestamp(r.started_at as string | null),
    endedAt: parseSdkTimestamp(r.ended_at as string | null),
    syncType: (r.sync_type as string | undefined) ?? "full",
    parentSyncId: (r.parent_sync_id as string | undefined) ?? "",
    syncToken: (r.sync_token as string | undefined) ?? "",
  };
}

/** Checks the magic and streams the zstd payload of `file` into `dbPath`. */
async function extract(file: string, dbPath: string): Promise<void> {
  let input: FileHandle | undefined;
  let output: FileHandle | undefined;
  try {
    try {
      input = await open(file, "r");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new C1zError(file, code === "ENOENT" ? `${file} does not exist` : `cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
    const st = await input.stat();
    if (!st.isFile()) throw new C1zNotC1zError(file, `${file} is not a regular file; pass the path of a .c1z file`);
    const size = st.size;
    const head = Buffer.alloc(5);
    await input.read(head, 0, 5, 0);
    checkMagic(file, size < 5 ? head.subarray(0, size) : head, size);
    output = await open(dbPath, "wx+");
    let result;
    try {
      result = await decompressFile(input, 5, output, { windowLogMax: ZSTD_WINDOW_LOG_MAX, maxBytes: MAX_DECODED_BYTES });
    } catch (err) {
      throw new C1zCorruptError(file, `${file} is corrupt: its zstd stream cannot be decoded (${(err as Error).message}); re-run the sync to produce a new file`, { cause: err });
    }
    if (!result.complete) {
      throw new C1zCorruptError(file, `${file} is truncated: its zstd stream ends mid-frame after ${result.bytes} decoded bytes; the copy is incomplete — re-copy or re-run the sync`);
    }
    const sqliteHead = Buffer.alloc(SQLITE_HEADER.length);
    await output.read(sqliteHead, 0, sqliteHead.length, 0);
    if (result.bytes < SQLITE_HEADER.length || !sqliteHead.equals(SQLITE_HEADER)) {
      throw new C1zNotSqliteError(file, `${file} has a valid .c1z header but its payload is not a SQLite database (not written by a v1 Baton writer)`);
    }
  } finally {
    await input?.close().catch(() => undefined);
    await output?.close().catch(() => undefined);
  }
}

// The v1 SQLite schema of a .c1z (baton-sdk v0.25.0, current revision). Table and index
// names must match the SDK exactly: it creates indexes "IF NOT EXISTS" by name. Note the
// two v1_resources index names that are swapped relative to their columns in the SDK;
// they are reproduced as the SDK has them.
import Database from "better-sqlite3";

export const TABLE_DDL: readonly string[] = [
  `create table if not exists v1_resource_types (
    id integer primary key,
    external_id text not null,
    data blob not null,
    sync_id text not null,
    discovered_at datetime not null
  )`,
  `create table if not exists v1_resources (
    id integer primary key,
    resource_type_id text not null,
    external_id text not null,
    parent_resource_type_id text,
    parent_resource_id text,
    data blob not null,
    sync_id text not null,
    discovered_at datetime not null
  )`,
  `create table if not exists v1_entitlements (
    id integer primary key,
    resource_type_id text not null,
    resource_id text not null,
    external_id text not null,
    data blob not null,
    sync_id text not null,
    discovered_at datetime not null
  )`,
  `create table if not exists v1_grants (
    id integer primary key,
    resource_type_id text not null,
    resource_id text not null,
    entitlement_id text not null,
    principal_resource_type_id text not null,
    principal_resource_id text not null,
    external_id text not null,
    data blob not null,
    sync_id text not null,
    discovered_at datetime not null,
    expansion blob,
    needs_expansion integer not null default 0
  )`,
  `create table if not exists v1_sync_runs (
    id integer primary key,
    sync_id text not null,
    started_at datetime not null,
    ended_at datetime,
    sync_token text not null,
    sync_type text not null default 'full',
    parent_sync_id text not null default '',
    linked_sync_id text not null default '',
    supports_diff integer not null default 0,
    grants_backfilled integer not null default 0,
    stats text,
    ingest_invariant_generation text not null default '',
    ingest_invariant_coverage text not null default '',
    ingest_invariant_mode text not null default ''
  )`,
  `create table if not exists v1_assets (
    id integer primary key,
    external_id text not null,
    content_type text not null,
    data blob not null,
    sync_id text not null,
    discovered_at datetime not null
  )`,
  `create table if not exists v1_connector_sessions (
    id integer primary key,
    sync_id text not null,
    key text not null,
    value blob not null
  )`,
];

interface IndexDef {
  sql: string;
  /**
   * Built at finish() instead of up front. Bulk-building an index after the rows are in
   * sorts once instead of doing a random B-tree insert per row (measured: 2-3x cheaper
   * for 1M grants). The grants' unique index is deferred too: the writer detects repeated
   * grant ids itself and removes the replaced rows before building it. The other unique
   * indexes stay up front because their tables' upserts need them (and are small);
   * partial ones because they index almost nothing.
   */
  deferred: boolean;
}

export const INDEXES: readonly IndexDef[] = [
  { deferred: false, sql: "create unique index if not exists idx_resource_types_external_sync_v1 on v1_resource_types (external_id, sync_id)" },
  { deferred: true, sql: "create index if not exists idx_resources_resource_type_id_v1 on v1_resources (resource_type_id)" },
  // Swapped names, as in the SDK:
  { deferred: true, sql: "create index if not exists idx_resources_external_sync_v1 on v1_resources (parent_resource_type_id, parent_resource_id)" },
  { deferred: false, sql: "create unique index if not exists idx_resources_parent_resource_id_v1 on v1_resources (external_id, sync_id)" },
  { deferred: true, sql: "create index if not exists idx_entitlements_resource_id_v1 on v1_entitlements (resource_type_id, resource_id)" },
  { deferred: false, sql: "create unique index if not exists idx_entitlements_external_sync_v1 on v1_entitlements (external_id, sync_id)" },
  { deferred: true, sql: "create index if not exists idx_grants_resource_type_id_resource_id_v1 on v1_grants (resource_type_id, resource_id)" },
  { deferred: true, sql: "create index if not exists idx_grants_principal_id_v1 on v1_grants (principal_resource_type_id, principal_resource_id)" },
  { deferred: true, sql: "create index if not exists idx_grants_entitlement_id_principal_id_v1 on v1_grants (entitlement_id, principal_resource_type_id, principal_resource_id)" },
  { deferred: true, sql: "create unique index if not exists idx_grants_external_sync_v1 on v1_grants (external_id, sync_id)" },
  { deferred: true, sql: "create index if not exists idx_grants_entitlement_sync_grant_v1 on v1_grants (entitlement_id, sync_id, id)" },
  { deferred: false, sql: "create index if not exists idx_grants_sync_expansion_v1 on v1_grants (sync_id) where expansion is not null" },
  { deferred: false, sql: "create index if not exists idx_grants_sync_needs_expansion_v1 on v1_grants (sync_id) where needs_expansion = 1" },
  { deferred: false, sql: "create unique index if not exists idx_sync_runs_sync_id_v1 on v1_sync_runs (sync_id)" },
  { deferred: false, sql: "create unique index if not exists idx_assets_external_sync_v1 on v1_assets (external_id, sync_id)" },
  { deferred: false, sql: "create unique index if not exists idx_session_store_sync_key_v1 on v1_connector_sessions (sync_id, key)" },
];

export interface ColumnSignature { name: string; type: string; notNull: boolean; default: string | null; primaryKey: boolean }
export interface IndexSignature { table: string; columns: string[]; unique: boolean; where: string | null }
export interface SchemaSignature {
  tables: Record<string, ColumnSignature[]>;
  indexes: Record<string, IndexSignature>;
}

/** Comparable description of a database's Baton schema (SQLite internal tables left out). */
export function schemaSignature(db: Database.Database): SchemaSignature {
  const tables: Record<string, ColumnSignature[]> = {};
  const indexes: Record<string, IndexSignature> = {};
  const names = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[];
  for (const t of names) {
    const cols = db.pragma(`table_info(${quoteIdent(t)})`) as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[];
    tables[t] = cols
      .map((c) => ({ name: c.name, type: c.type.toLowerCase(), notNull: c.notnull === 1, default: c.dflt_value, primaryKey: c.pk > 0 }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const list = db.pragma(`index_list(${quoteIdent(t)})`) as { name: string; unique: number; origin: string }[];
    for (const ix of list) {
      if (ix.origin === "pk") continue;
      const cols = (db.pragma(`index_info(${quoteIdent(ix.name)})`) as { seqno: number; name: string | null }[])
        .sort((a, b) => a.seqno - b.seqno)
        .map((c) => c.name ?? "<rowid>");
      const sql = db.prepare("select sql from sqlite_master where type = 'index' and name = ?").pluck().get(ix.name) as string | null;
      const where = sql ? /\swhere\s+([\s\S]*)$/i.exec(sql)?.[1] : undefined;
      indexes[ix.name] = { table: t, columns: cols, unique: ix.unique === 1, where: where ? where.trim().replace(/\s+/g, " ").toLowerCase() : null };
    }
  }
  return { tables, indexes };
}

/** schemaSignature() of the SQLite database file at `dbPath` (opened read-only). */
export function c1zSchemaSignature(dbPath: string): SchemaSignature {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return schemaSignature(db);
  } finally {
    db.close();
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

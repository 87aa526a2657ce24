// Go's deterministic map order for messages that go through protobuf-es' toBinary().
//
// The .c1z writer encodes with encodeDeterministic() (wire.ts), which sorts maps and
// Struct keys itself. This module is for everything else (toBinary(), anyPack(), code
// comparing encodings): protobuf-es writes fields in field-number order, packs repeated
// scalars and omits proto3 zero values, but writes map entries in Object.keys() order.
// canonicalize() puts every map into Go's key order (UTF-8 byte order, i.e. code-point
// order, like Go's string <):
//   * proto map fields (e.g. Grant.sources) are re-inserted in sorted order; when they
//     hold integer-like keys ("2", "10") — which a JS object always lists first,
//     ascending — the map is wrapped in a Proxy whose ownKeys() gives Go's order
//     (protobuf-es iterates maps with Object.keys(), which honours the Proxy);
//   * google.protobuf.Struct fields, which protobuf-es stores as plain JSON objects,
//     are rebuilt with keys inserted in sorted order, recursively. Limitation:
//     protobuf-es copies a Struct into a fresh object while encoding, so integer-like
//     keys inside a Struct come out first (ascending) instead of in Go's order. The
//     output is still deterministic; it only differs from Go's bytes for such keys
//     (encodeDeterministic() has no such limitation).
// canonicalize() mutates the message in place (reassigning map/Struct fields); values are
// unchanged, only their iteration order.
import type { DescField, DescMessage, MessageShape } from "@bufbuild/protobuf";

/** Compares strings by Unicode code point, which equals UTF-8 byte order (Go's order). */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeUnitRank(x) - codeUnitRank(y);
  }
  return a.length - b.length;
}

// Surrogates encode code points above U+FFFF, so they must rank above U+E000..U+FFFF.
function codeUnitRank(c: number): number {
  if (c >= 0xd800 && c <= 0xdfff) return c + 0x2000;
  if (c >= 0xe000) return c - 0x800;
  return c;
}

const INTEGER_KEY = /^(0|[1-9][0-9]*)$/;
const SORTED_PROXY = Symbol("c1.sortedMap");

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (compareUtf8(keys[i - 1]!, keys[i]!) > 0) return false;
  return true;
}

/** Returns `record` (or an equivalent object) whose Object.keys() order is Go's map order. */
export function sortedRecord<V>(record: Record<string, V>): Record<string, V> {
  if ((record as Record<symbol, unknown>)[SORTED_PROXY] === true) return record;
  const keys = Object.keys(record);
  if (isSorted(keys)) return record;
  // Engine-reordered integer-like keys cannot be fixed by re-insertion.
  if (keys.some((k) => INTEGER_KEY.test(k) && Number(k) < 4294967295)) {
    return new Proxy(record, {
      ownKeys: (target) => Reflect.ownKeys(target).filter((k): k is string => typeof k === "string").sort(compareUtf8),
      get: (target, key, receiver) => (key === SORTED_PROXY ? true : Reflect.get(target, key, receiver)),
    });
  }
  const out: Record<string, V> = {};
  for (const k of keys.sort(compareUtf8)) out[k] = record[k]!;
  return out;
}

/** Returns `v` with object keys inserted in sorted order, recursively (reuses sorted parts). */
export function sortedJson<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    let changed = false;
    const out = v.map((x) => { const y = sortedJson(x); if (y !== x) changed = true; return y; });
    return (changed ? out : v) as T;
  }
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj);
  let changed = !isSorted(keys);
  const vals = keys.map((k) => { const x = obj[k]; const y = sortedJson(x); if (y !== x) changed = true; return y; });
  if (!changed) return v;
  const order = keys.map((k, i) => [k, vals[i]] as const).sort((a, b) => compareUtf8(a[0], b[0]));
  const out: Record<string, unknown> = {};
  for (const [k, x] of order) out[k] = x;
  return out as T;
}

// protobuf-es represents google.protobuf.Struct as a plain JSON object, except inside
// google.protobuf.Value.
function isJsonStruct(f: DescField): boolean {
  const m = childMessage(f);
  return m !== undefined && m.typeName === "google.protobuf.Struct" && f.parent.typeName !== "google.protobuf.Value";
}

function childMessage(f: DescField): DescMessage | undefined {
  if (f.fieldKind === "message") return f.message;
  if (f.fieldKind === "list" && f.listKind === "message") return f.message;
  if (f.fieldKind === "map" && f.mapKind === "message") return f.message;
  return undefined;
}

// Per message type: the fields through which a map or Struct can be reached.
const plans = new WeakMap<DescMessage, DescField[]>();

function planFor(desc: DescMessage): DescField[] {
  const known = plans.get(desc);
  if (known) return known;
  const all: DescMessage[] = [];
  const seen = new Set<DescMessage>();
  const stack = [desc];
  while (stack.length > 0) {
    const d = stack.pop()!;
    if (seen.has(d)) continue;
    seen.add(d);
    all.push(d);
    for (const f of d.fields) {
      const m = childMessage(f);
      if (m && !isJsonStruct(f)) stack.push(m);
    }
  }
  const direct = (f: DescField) => f.fieldKind === "map" || isJsonStruct(f);
  // Fixed point over possibly recursive types.
  const reach = new Map<DescMessage, boolean>(all.map((d) => [d, d.fields.some(direct)]));
  const viaChild = (f: DescField) => { const m = childMessage(f); return m !== undefined && reach.get(m) === true; };
  for (let changed = true; changed; ) {
    changed = false;
    for (const d of all) {
      if (!reach.get(d) && d.fields.some(viaChild)) {
        reach.set(d, true);
        changed = true;
      }
    }
  }
  for (const d of all) if (!plans.has(d)) plans.set(d, d.fields.filter((f) => direct(f) || viaChild(f)));
  return plans.get(desc)!;
}

/** Puts every map and Struct reachable from `message` into Go's key order (in place). */
export function canonicalize<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): MessageShape<Desc> {
  walk(schema, message as unknown as Record<string, unknown>);
  return message;
}

type Obj = Record<string, unknown>;

function fix(f: DescField, v: unknown): unknown {
  if (isJsonStruct(f)) return sortedJson(v);
  walk(childMessage(f)!, v as Obj);
  return v;
}

function walk(desc: DescMessage, msg: Obj): void {
  for (const f of planFor(desc)) {
    if (f.oneof) {
      const o = msg[f.oneof.localName] as { case?: string; value?: unknown };
      if (o.case === f.localName) o.value = fix(f, o.value);
      continue;
    }
    const v = msg[f.localName];
    if (v === undefined || v === null) continue;
    if (f.fieldKind === "map") {
      const sorted = sortedRecord(v as Obj);
      if (sorted !== v) msg[f.localName] = sorted;
      if (f.mapKind === "message") for (const k of Object.keys(sorted)) {
        const x = sorted[k];
        const y = fix(f, x);
        if (y !== x) sorted[k] = y;
      }
    } else if (f.fieldKind === "list") {
      const items = v as unknown[];
      for (let i = 0; i < items.length; i++) items[i] = fix(f, items[i]);
    } else {
      const y = fix(f, v);
      if (y !== v) msg[f.localName] = y;
    }
  }
}

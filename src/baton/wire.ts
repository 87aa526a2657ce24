// Fast deterministic protobuf encoder for the proto3 messages of this project.
//
// Why not toBinary(): protobuf-es' writer builds a chunk list with fork()/join() per
// nested message and encodes every string through TextEncoder; that caps a Grant at
// roughly 150k/s here, which alone would eat the .c1z writer's throughput budget.
// This encoder is compiled per message type from the same descriptors and runs two
// passes: sizes first (recorded in pre-order in a shared array), then one write into an
// exactly sized Buffer.
//
// Output is what Go's proto.MarshalOptions{Deterministic: true} produces: fields in
// field-number order, proto3 zero values omitted, packed repeated scalars, map entries
// sorted by key (UTF-8 byte order, integer-like keys included) with both key and value
// always written, google.protobuf.Struct keys sorted the same way, unknown fields last.
// For messages without integer-like map/Struct keys the bytes equal protobuf-es'
// toBinary() on a canonicalize()d message (tests check this).
//
// Not supported (falls back to toBinary for the whole type): wrapper types in singular
// fields, delimited (group) encoding, extensions. None occur in src/baton/proto.
import { ScalarType, toBinary, type DescField, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { isWrapperDesc } from "@bufbuild/protobuf/wkt";
import { compareUtf8 } from "./deterministic.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Msg = any;
interface Compiled {
  size(msg: Msg): number;
  write(msg: Msg): void;
}

// Encoder state: one top-level encode at a time (encoding is synchronous).
let buf: Buffer = Buffer.alloc(0);
let pos = 0;
let sizes: number[] = [];
let cursor = 0;

/** Deterministic serialization of `message` (see file comment). */
export function encodeDeterministic<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): Buffer {
  const c = compiled(schema);
  if (c === null) return Buffer.from(toBinary(schema, message));
  sizes = [];
  const n = c.size(message);
  buf = Buffer.allocUnsafe(n);
  pos = 0;
  cursor = 0;
  c.write(message);
  const out = buf;
  buf = EMPTY;
  sizes = [];
  if (pos !== n) throw new Error(`encodeDeterministic(${schema.typeName}): size mismatch ${pos} != ${n}`);
  return out;
}
const EMPTY = Buffer.alloc(0);

const cache = new WeakMap<DescMessage, Compiled | null>();

function compiled(desc: DescMessage): Compiled | null {
  let c = cache.get(desc);
  if (c === undefined) {
    if (!supported(desc, new Set())) {
      cache.set(desc, null);
      return null;
    }
    c = compileMessage(desc);
  }
  return c;
}

function supported(desc: DescMessage, seen: Set<DescMessage>): boolean {
  if (seen.has(desc)) return true;
  seen.add(desc);
  for (const f of desc.fields) {
    if ((f.fieldKind === "message" || (f.fieldKind === "list" && f.listKind === "message")) && f.delimitedEncoding) return false;
    if (f.fieldKind === "message" && !f.oneof && isWrapperDesc(f.message)) return false;
    const m = f.fieldKind === "message" ? f.message : f.fieldKind === "list" && f.listKind === "message" ? f.message : f.fieldKind === "map" && f.mapKind === "message" ? f.message : undefined;
    if (m && !supported(m, seen)) return false;
  }
  return true;
}

function compileMessage(desc: DescMessage): Compiled {
  const sizers: ((m: Msg) => number)[] = [];
  const writers: ((m: Msg) => void)[] = [];
  const c: Compiled = {
    size(m) {
      let n = 0;
      for (let i = 0; i < sizers.length; i++) n += sizers[i]!(m);
      const u = m.$unknown as { no: number; wireType: number; data: Uint8Array }[] | undefined;
      if (u) for (const x of u) n += varintSize(tagOf(x.no, x.wireType)) + x.data.length;
      return n;
    },
    write(m) {
      for (let i = 0; i < writers.length; i++) writers[i]!(m);
      const u = m.$unknown as { no: number; wireType: number; data: Uint8Array }[] | undefined;
      if (u) for (const x of u) { writeVarint(tagOf(x.no, x.wireType)); buf.set(x.data, pos); pos += x.data.length; }
    },
  };
  cache.set(desc, c); // before compiling fields: recursive types resolve to this instance
  for (const f of [...desc.fields].sort((a, b) => a.number - b.number)) {
    const [s, w] = compileField(f);
    sizers.push(s);
    writers.push(w);
  }
  return c;
}

const WT_VARINT = 0, WT_I64 = 1, WT_LD = 2, WT_I32 = 5;
const tagOf = (no: number, wt: number) => no * 8 + wt;

type FieldCodec = [(m: Msg) => number, (m: Msg) => void];

function compileField(f: DescField): FieldCodec {
  const name = f.localName;
  let get: (m: Msg) => unknown = (m) => m[name];
  let oneofPresent: ((v: unknown) => boolean) | undefined;
  if (f.oneof) {
    const o = f.oneof.localName;
    get = (m) => (m[o].case === name ? m[o].value : undefined);
    oneofPresent = (v) => v !== undefined;
  }
  switch (f.fieldKind) {
    case "scalar":
    case "enum": {
      const t = f.fieldKind === "enum" ? ScalarType.INT32 : f.scalar;
      const zero = f.fieldKind === "enum" ? f.enum.values[0]!.number : undefined;
      const present = oneofPresent ?? (f.presence === 2 /* IMPLICIT */
        ? (v: unknown) => v !== undefined && (zero !== undefined ? v !== zero : !isZero(t, v))
        : (v: unknown) => v !== undefined);
      const tag = tagOf(f.number, wireType(t));
      const tagLen = varintSize(tag);
      const size = scalarSizer(t), write = scalarWriter(t);
      if (t === ScalarType.STRING && !f.oneof && f.presence === 2) {
        return [
          (m) => { const v = m[name] as string; return v === "" ? 0 : tagLen + stringSize(v); },
          (m) => { const v = m[name] as string; if (v !== "") { writeVarint(tag); stringWrite(v); } },
        ];
      }
      return [
        (m) => { const v = get(m); return present(v) ? tagLen + size(v) : 0; },
        (m) => { const v = get(m); if (present(v)) { writeVarint(tag); write(v); } },
      ];
    }
    case "message": {
      return messageCodec(f.number, f.message, isJsonStruct(f), get, oneofPresent ?? ((v) => v !== undefined && v !== null));
    }
    case "list": {
      if (f.listKind === "message") {
        const sub = messageCodec(f.number, f.message, isJsonStruct(f), (x) => x, () => true);
        return [
          (m) => { let n = 0; for (const x of m[name] as unknown[]) n += sub[0](x); return n; },
          (m) => { for (const x of m[name] as unknown[]) sub[1](x); },
        ];
      }
      const t = f.listKind === "enum" ? ScalarType.INT32 : f.scalar;
      const size = scalarSizer(t), write = scalarWriter(t);
      if (f.packed && wireType(t) !== WT_LD) {
        const tag = tagOf(f.number, WT_LD), tagLen = varintSize(tag);
        return [
          (m) => {
            const items = m[name] as unknown[];
            if (items.length === 0) return 0;
            let n = 0;
            for (const x of items) n += size(x);
            sizes.push(n);
            return tagLen + varintSize(n) + n;
          },
          (m) => {
            const items = m[name] as unknown[];
            if (items.length === 0) return;
            writeVarint(tag);
            writeVarint(sizes[cursor++]!);
            for (const x of items) write(x);
          },
        ];
      }
      const tag = tagOf(f.number, wireType(t)), tagLen = varintSize(tag);
      return [
        (m) => { let n = 0; for (const x of m[name] as unknown[]) n += tagLen + size(x); return n; },
        (m) => { for (const x of m[name] as unknown[]) { writeVarint(tag); write(x); } },
      ];
    }
    case "map": {
      const kt = f.mapKey;
      const entryTag = tagOf(f.number, WT_LD), entryTagLen = varintSize(entryTag);
      const keyTag = tagOf(1, wireType(kt));
      let valueSize: (v: unknown) => number;
      let valueWrite: (v: unknown) => void;
      if (f.mapKind === "message") {
        [valueSize, valueWrite] = messageCodec(2, f.message, isJsonStruct(f), (x) => x, () => true);
      } else {
        const vt = f.mapKind === "enum" ? ScalarType.INT32 : f.scalar;
        const vtag = tagOf(2, wireType(vt));
        const vsize = scalarSizer(vt), vwrite = scalarWriter(vt);
        valueSize = (v) => 1 + vsize(v);
        valueWrite = (v) => { writeVarint(vtag); vwrite(v); };
      }
      const key = (k: string): unknown => mapKeyValue(kt, k);
      const ksize = scalarSizer(kt), kwrite = scalarWriter(kt);
      return [
        (m) => {
          const rec = m[name] as Record<string, unknown>;
          let n = 0;
          for (const k of sortedKeys(rec, kt)) {
            const at = sizes.length;
            sizes.push(0);
            const e = 1 + ksize(key(k)) + valueSize(rec[k]);
            sizes[at] = e;
            n += entryTagLen + varintSize(e) + e;
          }
          return n;
        },
        (m) => {
          const rec = m[name] as Record<string, unknown>;
          for (const k of sortedKeys(rec, kt)) {
            writeVarint(entryTag);
            writeVarint(sizes[cursor++]!);
            writeVarint(keyTag);
            kwrite(key(k));
            valueWrite(rec[k]);
          }
        },
      ];
    }
  }
}

function messageCodec(no: number, desc: DescMessage, json: boolean, get: (m: Msg) => unknown, present: (v: unknown) => boolean): FieldCodec {
  const tag = tagOf(no, WT_LD), tagLen = varintSize(tag);
  let c: Compiled | undefined;
  const sub = (): Compiled => (c ??= json ? STRUCT_JSON : compiled(desc)!);
  return [
    (m) => {
      const v = get(m);
      if (!present(v)) return 0;
      const at = sizes.length;
      sizes.push(0);
      const n = sub().size(v);
      sizes[at] = n;
      return tagLen + varintSize(n) + n;
    },
    (m) => {
      const v = get(m);
      if (!present(v)) return;
      writeVarint(tag);
      writeVarint(sizes[cursor++]!);
      sub().write(v);
    },
  ];
}

// protobuf-es stores google.protobuf.Struct fields as plain JSON objects (not inside Value).
function isJsonStruct(f: DescField): boolean {
  const m = f.fieldKind === "message" ? f.message : f.fieldKind === "list" && f.listKind === "message" ? f.message : f.fieldKind === "map" && f.mapKind === "message" ? f.message : undefined;
  return m !== undefined && m.typeName === "google.protobuf.Struct" && f.parent.typeName !== "google.protobuf.Value";
}

// google.protobuf.Struct{1: map<string, Value>}; Value oneof {1 null, 2 number, 3 string,
// 4 bool, 5 struct, 6 list}; ListValue{1: repeated Value}.
const STRUCT_JSON: Compiled = {
  size(obj: Record<string, unknown>) {
    let n = 0;
    for (const k of sortedKeys(obj, ScalarType.STRING)) {
      const v = obj[k];
      if (v === undefined) continue;
      const at = sizes.length;
      sizes.push(0);
      const e = 1 + stringSize(k) + 1 + ldSize(jsonValueSize, v);
      sizes[at] = e;
      n += 1 + varintSize(e) + e;
    }
    return n;
  },
  write(obj: Record<string, unknown>) {
    for (const k of sortedKeys(obj, ScalarType.STRING)) {
      const v = obj[k];
      if (v === undefined) continue;
      buf[pos++] = 0x0a;
      writeVarint(sizes[cursor++]!);
      buf[pos++] = 0x0a;
      stringWrite(k);
      buf[pos++] = 0x12;
      writeVarint(sizes[cursor++]!);
      jsonValueWrite(v);
    }
  },
};

function ldSize(inner: (v: unknown) => number, v: unknown): number {
  const at = sizes.length;
  sizes.push(0);
  const n = inner(v);
  sizes[at] = n;
  return varintSize(n) + n;
}

function jsonValueSize(v: unknown): number {
  if (v === null) return 2;
  switch (typeof v) {
    case "number": return 9;
    case "string": return 1 + stringSize(v);
    case "boolean": return 2;
    default: break;
  }
  if (Array.isArray(v)) return 1 + ldSize(jsonListSize, v);
  return 1 + ldSize(STRUCT_JSON.size, v);
}

function jsonListSize(items: unknown): number {
  let n = 0;
  for (const x of items as unknown[]) n += 1 + ldSize(jsonValueSize, x);
  return n;
}

function jsonValueWrite(v: unknown): void {
  if (v === null) { buf[pos++] = 0x08; buf[pos++] = 0; return; }
  switch (typeof v) {
    case "number": buf[pos++] = 0x11; pos = buf.writeDoubleLE(v, pos); return;
    case "string": buf[pos++] = 0x1a; stringWrite(v); return;
    case "boolean": buf[pos++] = 0x20; buf[pos++] = v ? 1 : 0; return;
    default: break;
  }
  if (Array.isArray(v)) {
    buf[pos++] = 0x32;
    writeVarint(sizes[cursor++]!);
    for (const x of v) { buf[pos++] = 0x0a; writeVarint(sizes[cursor++]!); jsonValueWrite(x); }
    return;
  }
  buf[pos++] = 0x2a;
  writeVarint(sizes[cursor++]!);
  STRUCT_JSON.write(v);
}

function sortedKeys(rec: Record<string, unknown>, keyType: ScalarType): string[] {
  const keys = Object.keys(rec);
  if (keys.length < 2) return keys;
  if (keyType === ScalarType.STRING) return keys.sort(compareUtf8);
  if (keyType === ScalarType.BOOL) return keys.sort(); // "false" < "true", as Go orders false first
  // Integer keys: numeric order, as Go sorts them.
  return keys.sort((a, b) => { const x = BigInt(a), y = BigInt(b); return x < y ? -1 : x > y ? 1 : 0; });
}

function mapKeyValue(t: ScalarType, k: string): unknown {
  switch (t) {
    case ScalarType.STRING: return k;
    case ScalarType.BOOL: return k === "true";
    case ScalarType.INT64: case ScalarType.UINT64: case ScalarType.FIXED64: case ScalarType.SFIXED64: case ScalarType.SINT64:
      return BigInt(k);
    default: return Number(k);
  }
}

function wireType(t: ScalarType): number {
  switch (t) {
    case ScalarType.DOUBLE: case ScalarType.FIXED64: case ScalarType.SFIXED64: return WT_I64;
    case ScalarType.FLOAT: case ScalarType.FIXED32: case ScalarType.SFIXED32: return WT_I32;
    case ScalarType.STRING: case ScalarType.BYTES: return WT_LD;
    default: return WT_VARINT;
  }
}

function isZero(t: ScalarType, v: unknown): boolean {
  switch (t) {
    case ScalarType.STRING: return v === "";
    case ScalarType.BOOL: return v === false;
    case ScalarType.BYTES: return (v as Uint8Array).length === 0;
    case ScalarType.INT64: case ScalarType.UINT64: case ScalarType.FIXED64: case ScalarType.SFIXED64: case ScalarType.SINT64:
      // eslint-disable-next-line eqeqeq -- bigint 0n, "0" and 0 are all zero
      return v == 0;
    default: return v === 0;
  }
}

// --- scalar sizes (string lengths are recorded in `sizes`) and writers ---
// Specialised per type at compile time: a shared switch would be megamorphic and slow.

function stringSize(v: unknown): number {
  const s = v as string;
  const n = s.length > 32 ? Buffer.byteLength(s, "utf8") : utf8Length(s);
  sizes.push(n);
  return varintSize(n) + n;
}

function stringWrite(v: unknown): void {
  writeVarint(sizes[cursor++]!);
  writeUtf8(v as string);
}

const int64 = (v: unknown) => BigInt.asUintN(64, BigInt(v as bigint));
const sint64 = (v: unknown) => { const n = BigInt(v as bigint); return BigInt.asUintN(64, (n << 1n) ^ (n >> 63n)); };
const sint32 = (v: unknown) => { const n = v as number; return ((n << 1) ^ (n >> 31)) >>> 0; };

function scalarSizer(t: ScalarType): (v: unknown) => number {
  switch (t) {
    case ScalarType.STRING: return stringSize;
    case ScalarType.BYTES: return (v) => { const n = (v as Uint8Array).length; return varintSize(n) + n; };
    case ScalarType.BOOL: return () => 1;
    case ScalarType.DOUBLE: case ScalarType.FIXED64: case ScalarType.SFIXED64: return () => 8;
    case ScalarType.FLOAT: case ScalarType.FIXED32: case ScalarType.SFIXED32: return () => 4;
    case ScalarType.INT32: return (v) => ((v as number) < 0 ? 10 : varintSize(v as number));
    case ScalarType.UINT32: return (v) => varintSize((v as number) >>> 0);
    case ScalarType.SINT32: return (v) => varintSize(sint32(v));
    case ScalarType.INT64: case ScalarType.UINT64: return (v) => varint64Size(int64(v));
    case ScalarType.SINT64: return (v) => varint64Size(sint64(v));
  }
}

function scalarWriter(t: ScalarType): (v: unknown) => void {
  switch (t) {
    case ScalarType.STRING: return stringWrite;
    case ScalarType.BYTES: return (v) => { const b = v as Uint8Array; writeVarint(b.length); buf.set(b, pos); pos += b.length; };
    case ScalarType.BOOL: return (v) => { buf[pos++] = v ? 1 : 0; };
    case ScalarType.DOUBLE: return (v) => { pos = buf.writeDoubleLE(v as number, pos); };
    case ScalarType.FLOAT: return (v) => { pos = buf.writeFloatLE(v as number, pos); };
    case ScalarType.FIXED32: return (v) => { pos = buf.writeUInt32LE((v as number) >>> 0, pos); };
    case ScalarType.SFIXED32: return (v) => { pos = buf.writeInt32LE(v as number, pos); };
    case ScalarType.FIXED64: return (v) => { pos = buf.writeBigUInt64LE(int64(v), pos); };
    case ScalarType.SFIXED64: return (v) => { pos = buf.writeBigInt64LE(BigInt.asIntN(64, BigInt(v as bigint)), pos); };
    case ScalarType.INT32: return (v) => { const n = v as number; if (n < 0) writeVarint64(BigInt.asUintN(64, BigInt(n))); else writeVarint(n); };
    case ScalarType.UINT32: return (v) => writeVarint((v as number) >>> 0);
    case ScalarType.SINT32: return (v) => writeVarint(sint32(v));
    case ScalarType.INT64: case ScalarType.UINT64: return (v) => writeVarint64(int64(v));
    case ScalarType.SINT64: return (v) => writeVarint64(sint64(v));
  }
}

// --- varints and UTF-8 ---

function varintSize(n: number): number {
  // n is a non-negative integer < 2^53
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  let s = 4;
  n = Math.floor(n / 0x10000000);
  while (n > 0) { s++; n = Math.floor(n / 128); }
  return s;
}

function varint64Size(n: bigint): number {
  if (n <= 0x1fffffffffffffn) return varintSize(Number(n));
  let s = 1;
  while (n >= 0x80n) { s++; n >>= 7n; }
  return s;
}

function writeVarint(n: number): void {
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n = n > 0xfffffff ? Math.floor(n / 128) : n >>> 7;
  }
  buf[pos++] = n;
}

function writeVarint64(n: bigint): void {
  if (n <= 0x1fffffffffffffn) { writeVarint(Number(n)); return; }
  while (n >= 0x80n) { buf[pos++] = Number(n & 0x7fn) | 0x80; n >>= 7n; }
  buf[pos++] = Number(n);
}

function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 2; i++; }
    else n += 2; // BMP char, or lone surrogate (encoded as U+FFFD, 3 bytes)
  }
  return n;
}

function writeUtf8(s: string): void {
  if (s.length > 64) { pos += buf.write(s, pos, "utf8"); return; } // native is faster for long strings
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) { buf[pos++] = c; continue; }
    if (c < 0x800) { buf[pos++] = 0xc0 | (c >> 6); buf[pos++] = 0x80 | (c & 0x3f); continue; }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && (d & 0xfc00) === 0xdc00) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        buf[pos++] = 0xf0 | (c >> 18); buf[pos++] = 0x80 | ((c >> 12) & 0x3f);
        buf[pos++] = 0x80 | ((c >> 6) & 0x3f); buf[pos++] = 0x80 | (c & 0x3f);
        continue;
      }
      c = 0xfffd; // lone surrogate, as TextEncoder and Buffer do
    }
    buf[pos++] = 0xe0 | (c >> 12); buf[pos++] = 0x80 | ((c >> 6) & 0x3f); buf[pos++] = 0x80 | (c & 0x3f);
  }
}

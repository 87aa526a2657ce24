/**
 * Small, fast, seedable PRNG (sfc32 seeded through splitmix32) and helpers that
 * derive UUID-shaped ids and hex strings from it. Everything the simulator
 * generates comes from one of these streams, so the same seed gives the same org.
 */

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    const sm = splitmix32((Math.floor(seed) ^ Math.imul(stream + 1, 0x2545f491)) >>> 0);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** Uniform unsigned 32-bit integer. */
  nextU32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Lower-case hex string of `chars` characters. */
  hex(chars: number): string {
    const buf = Buffer.allocUnsafe(chars);
    let v = 0;
    for (let i = 0; i < chars; i++) {
      if ((i & 7) === 0) v = this.nextU32();
      buf[i] = HEX_CODES[v & 0x0f]!;
      v >>>= 4;
    }
    return buf.toString("latin1");
  }

  /**
   * A random (version 4, RFC 4122 variant) UUID string drawn from this stream.
   * Written into a byte buffer so the result is one flat string (cheap to hash and store).
   */
  uuid(): string {
    const out = UUID_BUF;
    let pos = 0;
    for (let w = 0; w < 4; w++) {
      let v = this.nextU32();
      for (let n = 0; n < 8; n++) {
        if (pos === 8 || pos === 13 || pos === 18 || pos === 23) out[pos++] = 0x2d;
        let nib = v & 0x0f;
        v >>>= 4;
        if (pos === 14) nib = 4; // version
        else if (pos === 19) nib = (nib & 0x3) | 0x8; // variant
        out[pos++] = HEX_CODES[nib]!;
      }
    }
    return out.toString("latin1", 0, 36);
  }
}

const HEX_CODES = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
const UUID_BUF = Buffer.alloc(36);

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const HEX32_RE = /^[0-9a-f]{32}$/i;

export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

/**
 * Parses a UUID the way pydantic does for the forms clients actually send
 * (canonical 8-4-4-4-12, or 32 bare hex digits, any case); returns the canonical
 * lower-case form, or null when the text is not a UUID.
 */
export function normalizeUuid(s: string): string | null {
  if (UUID_RE.test(s)) return s.toLowerCase();
  if (HEX32_RE.test(s)) {
    const h = s.toLowerCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  return null;
}

// Set of 64-bit string hashes (open addressing over a typed array): tells the writer,
// without an index and with ~16 bytes per id, whether an external id was seen before.
// A hash collision only makes a new id look like a repeat; the writer's de-duplication
// then finds nothing to delete, so correctness never depends on the hash.
export class IdHashSet {
  private slots = new Int32Array(2 * 1024);
  private used = 0;

  /** Adds `id`; returns false when it (probably) was already present. */
  add(id: string): boolean {
    let h1 = 0x811c9dc5 | 0;
    let h2 = 0x3c6ef372 | 0;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193); // FNV-1a
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    h1 = fmix(h1) | 1; // never 0: 0 marks an empty slot
    h2 = fmix(h2 ^ id.length);
    if (this.insert(h1, h2)) {
      if (++this.used * 2 > this.slots.length / 2) this.grow();
      return true;
    }
    return false;
  }

  get size(): number {
    return this.used;
  }

  private insert(h1: number, h2: number): boolean {
    const s = this.slots;
    const mask = s.length / 2 - 1;
    for (let i = (h1 ^ h2) & mask; ; i = (i + 1) & mask) {
      const a = s[2 * i]!;
      if (a === 0) {
        s[2 * i] = h1;
        s[2 * i + 1] = h2;
        return true;
      }
      if (a === h1 && s[2 * i + 1] === h2) return false;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.insert(old[i]!, old[i + 1]!);
  }
}

// murmur3 finalizer: spreads the bits before masking.
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

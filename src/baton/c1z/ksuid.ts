// KSUIDs (segmentio/ksuid): 4-byte big-endian seconds since 2014-05-13T16:53:20Z
// (epoch 1400000000) + 16 random bytes, base62-encoded to 27 characters.
// baton-sdk parses sync ids as KSUIDs, so the format must be exact.
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const EPOCH = 1_400_000_000;
const LENGTH = 27;

export function newKsuid(now: Date = new Date()): string {
  const bytes = Buffer.alloc(20);
  const secs = Math.floor(now.getTime() / 1000) - EPOCH;
  if (secs < 0 || secs > 0xffffffff) throw new RangeError(`newKsuid: time ${now.toISOString()} outside the KSUID range`);
  bytes.writeUInt32BE(secs, 0);
  randomBytes(16).copy(bytes, 4);
  let n = BigInt("0x" + bytes.toString("hex"));
  let out = "";
  while (n > 0n) {
    out = ALPHABET[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(LENGTH, "0");
}

/** Decodes a KSUID; undefined when `id` is not one. */
export function parseKsuid(id: string): { time: Date; payload: Buffer } | undefined {
  if (id.length !== LENGTH) return undefined;
  let n = 0n;
  for (const ch of id) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return undefined;
    n = n * 62n + BigInt(v);
  }
  if (n >= 1n << 160n) return undefined;
  const bytes = Buffer.from(n.toString(16).padStart(40, "0"), "hex");
  return { time: new Date((bytes.readUInt32BE(0) + EPOCH) * 1000), payload: bytes.subarray(4) };
}

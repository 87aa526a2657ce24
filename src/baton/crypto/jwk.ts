// Public JWKs that secrets are encrypted to: parsing, validation and the key id.
//
// Accepted are exactly the key types baton-sdk's JWK provider encrypts to: Ed25519 (OKP),
// EC on P-256/P-384/P-521, and RSA. A JWK carrying private members is refused rather than
// reduced to its public part: whoever passes a private key to the connector has put the
// key that decrypts the secret next to the secret, which is a mistake worth stopping.

import { createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { ed25519 } from "@noble/curves/ed25519.js";
import { calculateJwkThumbprint } from "jose";
import { PublicKeyError } from "./errors.js";

export type EcCurve = "P-256" | "P-384" | "P-521";

/** A validated public JWK holding only the members that define the key, in canonical form. */
export type PublicJwk =
  | { kty: "OKP"; crv: "Ed25519"; x: string }
  | { kty: "EC"; crv: EcCurve; x: string; y: string }
  | { kty: "RSA"; n: string; e: string };

/** Byte length of one coordinate on each supported EC curve (JWK requires exactly this length). */
const EC_COORDINATE_BYTES: Record<EcCurve, number> = { "P-256": 32, "P-384": 48, "P-521": 66 };

/** Members that only private (or symmetric) JWKs carry. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

/** Below this, RSA-OAEP offers too little security for a credential; age's own tool refuses such keys too. */
export const MIN_RSA_BITS = 2048;
/** Above this, the key is more likely a mistake than a need, and encryption work grows without bound. */
export const MAX_RSA_BITS = 16384;

const HINT = "pass the public half of an Ed25519, EC (P-256/P-384/P-521) or RSA key as a JWK";

/**
 * Reads a public JWK given either inline (text starting with `{`) or as the path of a file
 * holding it. `what` names the source in error messages (e.g. the flag it came from).
 */
export function readPublicJwk(inlineOrPath: string, what = "the public key"): PublicJwk {
  const trimmed = inlineOrPath.trim();
  if (trimmed === "") throw new PublicKeyError(`${what} is empty: ${HINT}, inline or as a file path`);
  if (trimmed.startsWith("{")) return parsePublicJwk(trimmed, what);
  let text: string;
  try {
    text = readFileSync(trimmed, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code ?? "unreadable";
    throw new PublicKeyError(`cannot read ${what} from file ${trimmed}: ${reason} (give a JWK file path, or the JWK JSON inline)`);
  }
  return parsePublicJwk(text, `${what} (file ${trimmed})`);
}

/** Parses and validates JWK JSON (text or UTF-8 bytes, as in an EncryptionConfig). */
export function parsePublicJwk(json: string | Uint8Array, what = "the public key"): PublicJwk {
  const text = typeof json === "string" ? json : new TextDecoder().decode(json);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PublicKeyError(`${what} is not valid JSON: ${HINT}`);
  }
  return validatePublicJwk(value, what);
}

/** Validates a parsed JWK object and returns its canonical public form. */
export function validatePublicJwk(value: unknown, what = "the public key"): PublicJwk {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new PublicKeyError(`${what} is not a JSON object: ${HINT}`);
  }
  const jwk = value as Record<string, unknown>;
  const kty = jwk.kty;
  if (typeof kty !== "string" || kty === "") throw new PublicKeyError(`${what} has no "kty": ${HINT}`);
  if (kty === "oct") throw new PublicKeyError(`${what} is a symmetric key (kty "oct"), which cannot receive encrypted secrets: ${HINT}`);
  const privateMember = PRIVATE_MEMBERS.find((m) => m in jwk);
  if (privateMember !== undefined) {
    throw new PublicKeyError(
      `${what} is a private key (it has "${privateMember}"): pass only its public part (drop the private members; keep the private key to decrypt)`,
    );
  }
  switch (kty) {
    case "OKP":
      return validateOkp(jwk, what);
    case "EC":
      return validateEc(jwk, what);
    case "RSA":
      return validateRsa(jwk, what);
    default:
      throw new PublicKeyError(`${what} has unsupported key type "${kty}": ${HINT}`);
  }
}

function validateOkp(jwk: Record<string, unknown>, what: string): PublicJwk {
  if (jwk.crv !== "Ed25519") {
    throw new PublicKeyError(`${what} is an OKP key on unsupported curve ${describe(jwk.crv)}: only Ed25519 is supported for OKP keys; ${HINT}`);
  }
  const x = base64urlMember(jwk, "x", what);
  if (x.length !== 32) throw new PublicKeyError(`${what}: "x" of an Ed25519 key must be 32 bytes, got ${x.length}`);
  try {
    ed25519.Point.fromBytes(x);
  } catch {
    throw new PublicKeyError(`${what}: "x" is not a valid Ed25519 public key`);
  }
  return { kty: "OKP", crv: "Ed25519", x: toBase64url(x) };
}

function validateEc(jwk: Record<string, unknown>, what: string): PublicJwk {
  const crv = jwk.crv;
  if (typeof crv !== "string" || !(crv in EC_COORDINATE_BYTES)) {
    throw new PublicKeyError(`${what} is an EC key on unsupported curve ${describe(crv)}: use P-256, P-384 or P-521`);
  }
  const curve = crv as EcCurve;
  const size = EC_COORDINATE_BYTES[curve];
  const x = base64urlMember(jwk, "x", what);
  const y = base64urlMember(jwk, "y", what);
  if (x.length !== size || y.length !== size) {
    throw new PublicKeyError(`${what}: "x" and "y" of a ${curve} key must be ${size} bytes each, got ${x.length} and ${y.length}`);
  }
  const canonical = { kty: "EC" as const, crv: curve, x: toBase64url(x), y: toBase64url(y) };
  try {
    createPublicKey({ key: canonical, format: "jwk" });
  } catch {
    throw new PublicKeyError(`${what}: the point (x, y) is not on curve ${curve}`);
  }
  return canonical;
}

function validateRsa(jwk: Record<string, unknown>, what: string): PublicJwk {
  const n = stripLeadingZeros(base64urlMember(jwk, "n", what));
  const e = stripLeadingZeros(base64urlMember(jwk, "e", what));
  const bits = bitLength(n);
  if (bits < MIN_RSA_BITS) throw new PublicKeyError(`${what} is a ${bits}-bit RSA key: use at least ${MIN_RSA_BITS} bits`);
  if (bits > MAX_RSA_BITS) throw new PublicKeyError(`${what} is a ${bits}-bit RSA key: at most ${MAX_RSA_BITS} bits are supported`);
  if (e.length === 0 || e.length > 4 || (e[e.length - 1]! & 1) === 0 || (e.length === 1 && e[0]! < 3)) {
    throw new PublicKeyError(`${what}: the RSA exponent "e" must be an odd number from 3 to 2^32-1 (usually AQAB, i.e. 65537)`);
  }
  const canonical = { kty: "RSA" as const, n: toBase64url(n), e: toBase64url(e) };
  try {
    createPublicKey({ key: canonical, format: "jwk" });
  } catch {
    throw new PublicKeyError(`${what} is not a valid RSA public key`);
  }
  return canonical;
}

/**
 * The key id baton-sdk gives a JWK: the RFC 7638 thumbprint with SHA-256, as lower-case hex
 * (not the base64url RFC 7638 suggests). The thumbprint covers only the defining members,
 * so it is the same for a private key and its public part.
 */
export async function jwkThumbprintHex(jwk: PublicJwk): Promise<string> {
  const b64 = await calculateJwkThumbprint(jwk, "sha256");
  return Buffer.from(b64, "base64url").toString("hex");
}

/** Decodes a base64url member. Trailing `=` padding is tolerated, as Go's JOSE library does. */
function base64urlMember(jwk: Record<string, unknown>, name: string, what: string): Uint8Array {
  const raw = jwk[name];
  if (typeof raw !== "string" || raw === "") throw new PublicKeyError(`${what} has no "${name}" (a base64url string)`);
  const unpadded = raw.replace(/=+$/, "");
  if (!/^[A-Za-z0-9_-]+$/.test(unpadded) || unpadded.length % 4 === 1) {
    throw new PublicKeyError(`${what}: "${name}" is not base64url (RFC 4648 §5, no padding)`);
  }
  return new Uint8Array(Buffer.from(unpadded, "base64url"));
}

function toBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

function bitLength(unsignedBigEndian: Uint8Array): number {
  if (unsignedBigEndian.length === 0) return 0;
  return (unsignedBigEndian.length - 1) * 8 + (32 - Math.clz32(unsignedBigEndian[0]!));
}

function describe(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : "(none)";
}

// age's `ssh-ed25519` and `ssh-rsa` recipient stanzas, for the age-encryption package.
//
// age-encryption (the official TypeScript age) writes the file format, the header MAC and the
// payload, but ships only the native recipients. baton-sdk encrypts to SSH-type recipients
// (Go's filippo.io/age/agessh), so these two classes produce exactly those stanzas through
// age-encryption's Recipient interface. Only the stanza is written here, and only from
// audited primitives: X25519, HKDF-SHA-256 and ChaCha20-Poly1305 from the noble libraries,
// RSA-OAEP from Node's OpenSSL.

import { constants, createPublicKey, publicEncrypt, randomBytes, type KeyObject } from "node:crypto";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { Stanza, type Recipient } from "age-encryption";

/** HKDF info (and, for ssh-rsa, the OAEP label) fixed by the age spec for each stanza type. */
const ED25519_LABEL = new TextEncoder().encode("age-encryption.org/v1/ssh-ed25519");
const RSA_OAEP_LABEL = Buffer.from("age-encryption.org/v1/ssh-rsa");

/** Source of the ephemeral X25519 scalar; tests pass a fixed one to check known answers. */
export type RandomSource = (length: number) => Uint8Array;
const systemRandom: RandomSource = (length) => new Uint8Array(randomBytes(length));

/** age's stanza encoding: standard base64 without padding. */
function base64NoPad(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64").replace(/=+$/, "");
}

/** An SSH wire `string`: a big-endian uint32 length, then the bytes. */
function sshString(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length);
  out.set(bytes, 4);
  return out;
}

/** An SSH wire `mpint` of a non-negative integer given as unsigned big-endian bytes (RFC 4251 §5). */
function sshMpint(unsignedBigEndian: Uint8Array): Uint8Array {
  let i = 0;
  while (i < unsignedBigEndian.length && unsignedBigEndian[i] === 0) i++;
  const minimal = unsignedBigEndian.subarray(i);
  // A set top bit would read as negative: prefix a zero byte.
  const body = minimal.length > 0 && (minimal[0]! & 0x80) !== 0 ? concat(new Uint8Array([0]), minimal) : minimal;
  return sshString(body);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const text = (s: string) => new TextEncoder().encode(s);

/** The SSH wire encoding of an Ed25519 public key (what `ssh.PublicKey.Marshal()` returns). */
export function sshEd25519PublicKeyBlob(publicKey: Uint8Array): Uint8Array {
  return concat(sshString(text("ssh-ed25519")), sshString(publicKey));
}

/** The SSH wire encoding of an RSA public key: type, then e, then n. */
export function sshRsaPublicKeyBlob(modulus: Uint8Array, exponent: Uint8Array): Uint8Array {
  return concat(sshString(text("ssh-rsa")), sshMpint(exponent), sshMpint(modulus));
}

/** age's recipient tag for SSH keys: the first 4 bytes of SHA-256 over the wire encoding. */
export function sshKeyTag(blob: Uint8Array): string {
  return base64NoPad(sha256(blob).subarray(0, 4));
}

/** age `ssh-ed25519` recipient: X25519 to the key's Montgomery form, tweaked by the SSH key. */
export class SshEd25519Recipient implements Recipient {
  private readonly blob: Uint8Array;
  private readonly theirX25519: Uint8Array;

  constructor(
    publicKey: Uint8Array,
    private readonly random: RandomSource = systemRandom,
  ) {
    if (publicKey.length !== 32) throw new Error("an Ed25519 public key is 32 bytes");
    this.blob = sshEd25519PublicKeyBlob(publicKey);
    this.theirX25519 = ed25519.utils.toMontgomery(publicKey);
  }

  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    const ephemeral = this.random(32);
    const share = x25519.scalarMultBase(ephemeral);
    const exchanged = x25519.scalarMult(ephemeral, this.theirX25519);
    // The tweak binds the shared secret to the whole SSH key, not only its X25519 form.
    const tweak = hkdf(sha256, new Uint8Array(0), this.blob, ED25519_LABEL, 32);
    const shared = x25519.scalarMult(tweak, exchanged);
    const wrappingKey = hkdf(sha256, shared, concat(share, this.theirX25519), ED25519_LABEL, 32);
    // A fresh key per stanza, so the all-zero nonce is the one age specifies.
    const body = chacha20poly1305(wrappingKey, new Uint8Array(12)).encrypt(fileKey);
    return [new Stanza(["ssh-ed25519", sshKeyTag(this.blob), base64NoPad(share)], body)];
  }
}

/** age `ssh-rsa` recipient: RSA-OAEP with SHA-256 and age's label. */
export class SshRsaRecipient implements Recipient {
  private readonly blob: Uint8Array;
  private readonly key: KeyObject;

  constructor(modulus: Uint8Array, exponent: Uint8Array) {
    this.blob = sshRsaPublicKeyBlob(modulus, exponent);
    this.key = createPublicKey({
      key: { kty: "RSA", n: Buffer.from(modulus).toString("base64url"), e: Buffer.from(exponent).toString("base64url") },
      format: "jwk",
    });
  }

  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    const body = publicEncrypt(
      { key: this.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: RSA_OAEP_LABEL },
      fileKey,
    );
    return [new Stanza(["ssh-rsa", sshKeyTag(this.blob)], new Uint8Array(body))];
  }
}

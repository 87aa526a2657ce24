// Baton's `baton/jwk/v1` encryption provider: how a connector hands a new secret back,
// encrypted to a public JWK, byte-compatible with baton-sdk's Go provider.
//
//   Ed25519 key -> a binary age file to age's ssh-ed25519 recipient
//   RSA key     -> a binary age file to age's ssh-rsa recipient
//   EC key      -> a compact JWE, ECDH-ES key agreement, A256GCM content encryption
//
// The ciphertext is stored as standard base64 text (with padding) in encrypted_bytes, and
// key_id / key_ids carry the key's SHA-256 JWK thumbprint in hex.

import { create } from "@bufbuild/protobuf";
import { Encrypter, type Recipient } from "age-encryption";
import { CompactEncrypt, importJWK } from "jose";
import { EncryptedDataSchema, type EncryptedData, type PlaintextData } from "../gen/c1/connector/v2/encryption_pb.js";
import { SshEd25519Recipient, SshRsaRecipient, type RandomSource } from "./age-ssh.js";
import { EncryptionFailedError } from "./errors.js";
import { jwkThumbprintHex, type PublicJwk } from "./jwk.js";

export const JWK_PROVIDER = "baton/jwk/v1";

export interface EncryptOptions {
  /** Ephemeral randomness for the ssh-ed25519 stanza; only tests replace it. */
  random?: RandomSource;
}

/** Encrypts one secret to one public JWK, as baton-sdk's JWK provider does. */
export async function encryptForJwk(
  plaintext: PlaintextData,
  publicKey: PublicJwk,
  options: EncryptOptions = {},
): Promise<EncryptedData> {
  const keyId = await jwkThumbprintHex(publicKey);
  let ciphertext: Uint8Array;
  try {
    ciphertext =
      publicKey.kty === "EC" ? await compactJwe(publicKey, plaintext.bytes) : await ageFile(ageRecipient(publicKey, options), plaintext.bytes);
  } catch {
    throw new EncryptionFailedError(`encrypting the secret to the ${describeKey(publicKey)} key ${keyId} failed`);
  }
  return create(EncryptedDataSchema, {
    provider: JWK_PROVIDER,
    keyId,
    name: plaintext.name,
    description: plaintext.description,
    schema: plaintext.schema,
    encryptedBytes: new TextEncoder().encode(Buffer.from(ciphertext).toString("base64")),
    keyIds: [keyId],
  });
}

function ageRecipient(publicKey: Exclude<PublicJwk, { kty: "EC" }>, options: EncryptOptions): Recipient {
  if (publicKey.kty === "OKP") return new SshEd25519Recipient(fromBase64url(publicKey.x), options.random);
  return new SshRsaRecipient(fromBase64url(publicKey.n), fromBase64url(publicKey.e));
}

/** A binary (not armored) age file, as Go's age.Encrypt writes it. */
async function ageFile(recipient: Recipient, bytes: Uint8Array): Promise<Uint8Array> {
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  return encrypter.encrypt(bytes);
}

async function compactJwe(publicKey: Extract<PublicJwk, { kty: "EC" }>, bytes: Uint8Array): Promise<Uint8Array> {
  const key = await importJWK(publicKey, "ECDH-ES");
  const jwe = await new CompactEncrypt(bytes).setProtectedHeader({ alg: "ECDH-ES", enc: "A256GCM" }).encrypt(key);
  return new TextEncoder().encode(jwe);
}

function fromBase64url(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "base64url"));
}

function describeKey(publicKey: PublicJwk): string {
  return publicKey.kty === "RSA" ? "RSA" : publicKey.crv;
}

// Baton's `baton/age/v1` encryption provider: a secret encrypted straight to one native age
// recipient, byte-compatible with baton-sdk's Go provider. Unlike baton/jwk/v1, the binary
// age file goes into encrypted_bytes as is (no base64), key_ids holds the SHA-256 of the
// recipient string in hex, and the deprecated key_id stays empty.

import { createHash } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { Encrypter } from "age-encryption";
import { EncryptedDataSchema, type EncryptedData, type PlaintextData } from "../gen/c1/connector/v2/encryption_pb.js";
import { EncryptionFailedError, PublicKeyError } from "./errors.js";

export const AGE_PROVIDER = "baton/age/v1";

/** A validated native age recipient: X25519 (`age1…`) or hybrid post-quantum (`age1pq1…`). */
export type AgeRecipient = { readonly recipient: string };

/**
 * Checks a recipient string as baton-sdk does: one canonical recipient, no surrounding space
 * or line breaks, and a type both Go's age and age-encryption know.
 */
export function parseAgeRecipient(recipient: string, what = "the age recipient"): AgeRecipient {
  if (recipient === "") throw new PublicKeyError(`${what} is empty: give one age recipient (age1…)`);
  if (recipient.trim() !== recipient || /[\r\n]/.test(recipient)) {
    throw new PublicKeyError(`${what} must be exactly one recipient string, without spaces or line breaks around it`);
  }
  if (!/^age1(pq1)?[02-9ac-hj-np-z]+$/.test(recipient)) {
    throw new PublicKeyError(`${what} is not a native age recipient: give an X25519 (age1…) or post-quantum (age1pq1…) recipient`);
  }
  try {
    new Encrypter().addRecipient(recipient);
  } catch {
    throw new PublicKeyError(`${what} is not a valid age recipient (bad checksum or length)`);
  }
  return { recipient };
}

/** Encrypts one secret to one age recipient, as baton-sdk's age provider does. */
export async function encryptForAgeRecipient(plaintext: PlaintextData, target: AgeRecipient): Promise<EncryptedData> {
  const keyId = createHash("sha256").update(target.recipient, "utf8").digest("hex");
  let file: Uint8Array;
  try {
    const encrypter = new Encrypter();
    encrypter.addRecipient(target.recipient);
    file = await encrypter.encrypt(plaintext.bytes);
  } catch {
    throw new EncryptionFailedError(`encrypting the secret to the age recipient ${keyId} failed`);
  }
  return create(EncryptedDataSchema, {
    provider: AGE_PROVIDER,
    name: plaintext.name,
    description: plaintext.description,
    schema: plaintext.schema,
    encryptedBytes: file,
    keyIds: [keyId],
  });
}

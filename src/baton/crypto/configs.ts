// The encryption configs of a request (service mode): which provider and key each asks for.
// They are all validated before anything is encrypted, so a caller can check them before
// doing anything irreversible (say, creating the credential the secret belongs to).

import type { EncryptedData, EncryptionConfig, PlaintextData } from "../gen/c1/connector/v2/encryption_pb.js";
import { AGE_PROVIDER, encryptForAgeRecipient, parseAgeRecipient, type AgeRecipient } from "./age-provider.js";
import { PublicKeyError, UnsupportedEncryptionProviderError } from "./errors.js";
import { encryptForJwk, JWK_PROVIDER } from "./jwk-provider.js";
import { parsePublicJwk, type PublicJwk } from "./jwk.js";

/** One validated destination for a secret. */
export type EncryptionTarget =
  | { provider: typeof JWK_PROVIDER; jwk: PublicJwk }
  | { provider: typeof AGE_PROVIDER; age: AgeRecipient };

/**
 * Validates every config and returns its target, in order. As in baton-sdk, provider names
 * compare trimmed and case-insensitively, and a config without a provider but with a JWK is
 * taken as baton/jwk/v1.
 */
export function encryptionTargetsFromConfigs(configs: readonly EncryptionConfig[]): EncryptionTarget[] {
  return configs.map((config, index) => {
    const what = `encryption config #${index + 1}`;
    const { case: kind, value } = config.config;
    const provider = config.provider.trim().toLowerCase() || (kind === "jwkPublicKeyConfig" ? JWK_PROVIDER : "");
    if (provider === JWK_PROVIDER) {
      if (kind !== "jwkPublicKeyConfig" || value.pubKey.length === 0) {
        throw new PublicKeyError(`${what} names ${JWK_PROVIDER} but carries no JWK public key`);
      }
      return { provider: JWK_PROVIDER, jwk: parsePublicJwk(value.pubKey, `the public key of ${what}`) };
    }
    if (provider === AGE_PROVIDER) {
      if (kind !== "ageRecipientConfig") throw new PublicKeyError(`${what} names ${AGE_PROVIDER} but carries no age recipient`);
      return { provider: AGE_PROVIDER, age: parseAgeRecipient(value.recipient, `the age recipient of ${what}`) };
    }
    throw new UnsupportedEncryptionProviderError(
      `${what} asks for encryption provider "${provider || "(none)"}": this connector encrypts with ${JWK_PROVIDER} or ${AGE_PROVIDER}`,
    );
  });
}

/** Encrypts one secret to one target. */
export async function encryptForTarget(plaintext: PlaintextData, target: EncryptionTarget): Promise<EncryptedData> {
  return target.provider === JWK_PROVIDER ? encryptForJwk(plaintext, target.jwk) : encryptForAgeRecipient(plaintext, target.age);
}

/** Encrypts one secret once per target, in order; fails as a whole if any one fails. */
export async function encryptForTargets(plaintext: PlaintextData, targets: readonly EncryptionTarget[]): Promise<EncryptedData[]> {
  const out: EncryptedData[] = [];
  for (const target of targets) out.push(await encryptForTarget(plaintext, target));
  return out;
}

/** Validates all configs, then encrypts once per config, in order (baton-sdk's EncryptionManager). */
export async function encryptForConfigs(plaintext: PlaintextData, configs: readonly EncryptionConfig[]): Promise<EncryptedData[]> {
  return encryptForTargets(plaintext, encryptionTargetsFromConfigs(configs));
}

// Errors of secret encryption. Messages are one actionable line and never carry the
// secret being encrypted (callers pass only descriptions, never plaintext or key bytes).

/** The public key given to encrypt to is unusable: not JSON, a private key, an unsupported type or curve. */
export class PublicKeyError extends Error {
  override name = "PublicKeyError";
}

/** An encryption config names a provider, or carries a config kind, that this connector cannot encrypt for. */
export class UnsupportedEncryptionProviderError extends Error {
  override name = "UnsupportedEncryptionProviderError";
}

/**
 * Encryption itself failed after the key was accepted. The underlying library's error is
 * deliberately not chained as `cause`: it could in principle describe its inputs.
 */
export class EncryptionFailedError extends Error {
  override name = "EncryptionFailedError";
}

// Encrypting secrets the way Baton expects them back from a connector.
export { AGE_PROVIDER, encryptForAgeRecipient, parseAgeRecipient, type AgeRecipient } from "./age-provider.js";
export { encryptForConfigs, encryptForTarget, encryptForTargets, encryptionTargetsFromConfigs, type EncryptionTarget } from "./configs.js";
export { EncryptionFailedError, PublicKeyError, UnsupportedEncryptionProviderError } from "./errors.js";
export { encryptForJwk, JWK_PROVIDER, type EncryptOptions } from "./jwk-provider.js";
export { jwkThumbprintHex, parsePublicJwk, readPublicJwk, validatePublicJwk, type PublicJwk } from "./jwk.js";

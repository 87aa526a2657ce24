// Encrypting secrets the way Baton expects them back from a connector.
export { EncryptionFailedError, PublicKeyError, UnsupportedEncryptionProviderError } from "./errors.js";
export { jwkThumbprintHex, parsePublicJwk, readPublicJwk, validatePublicJwk, type PublicJwk } from "./jwk.js";
export { encryptForConfigs, encryptForJwk, JWK_PROVIDER, publicJwksFromConfigs, type EncryptOptions } from "./jwk-provider.js";

// ConductorOne service credentials: the client id names the tenant host, the client secret carries an
// Ed25519 private key (a JWK) that signs a short-lived JWT assertion exchanged for an access token.
import { type KeyObject, createPrivateKey, createPublicKey, randomBytes, sign } from "node:crypto";

/** A client id or secret that cannot be used. The message never contains the secret. */
export class CredentialsError extends Error {
  override name = "CredentialsError";
}

export interface ClientId {
  /** The whole client id string: the JWT issuer and subject and the token request's client_id. */
  readonly value: string;
  /** The part before "@": the user agent's product name. */
  readonly name: string;
  /** `host[:port]` from the client id. */
  readonly hostPort: string;
  /** The host without any port: the JWT audience. */
  readonly audience: string;
}

export interface ClientSecret {
  readonly key: KeyObject;
  /** Key id from the JWK, echoed in the JWS header when present. */
  readonly kid?: string;
}

/** `<client-name>@<host>[:<port>]/<suffix>`: split once at the first "@", then once at the first "/". */
export function parseClientId(value: string): ClientId {
  const at = value.indexOf("@");
  const slash = at < 0 ? -1 : value.indexOf("/", at + 1);
  if (at < 0 || slash < 0) {
    throw new CredentialsError("invalid client id: expected <name>@<host>/<suffix> as shown in ConductorOne when the connector's credentials were created");
  }
  const name = value.slice(0, at);
  const hostPort = value.slice(at + 1, slash);
  if (hostPort === "" || /\s/.test(hostPort)) throw new CredentialsError("invalid client id: the part between \"@\" and \"/\" must be ConductorOne's host name");
  return { value, name, hostPort, audience: stripPort(hostPort) };
}

/**
 * `secret-token:<issuer>:v1:<base64url JWK>`, the JWK an Ed25519 private key (kty OKP, crv Ed25519, d, x).
 * The public key derived from `d` must equal `x`: a mismatched pair would sign assertions nobody can verify.
 */
export function parseClientSecret(value: string): ClientSecret {
  const bad = (why: string) => new CredentialsError(`invalid client secret: ${why} (copy the secret ConductorOne showed when the credentials were created)`);
  const parts = splitN(value.trim(), ":", 4);
  if (parts.length !== 4) throw bad("expected four \":\"-separated parts, secret-token:<issuer>:v1:<key>");
  if (parts[2] !== "v1") throw bad("only version v1 secrets are supported");
  const encoded = parts[3]!;
  if (!/^[A-Za-z0-9_-]+$/.test(encoded) || encoded.length % 4 === 1) throw bad("the key part is not unpadded base64url");
  let jwk: Record<string, unknown>;
  try {
    jwk = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    throw bad("the key part does not decode to a JSON key");
  }
  if (jwk === null || typeof jwk !== "object" || jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.d !== "string" || typeof jwk.x !== "string") {
    throw bad("the key is not an Ed25519 private key");
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", d: jwk.d, x: jwk.x }, format: "jwk" });
  } catch {
    throw bad("the key is not an Ed25519 private key");
  }
  const derivedX = createPublicKey(key).export({ format: "jwk" }).x;
  if (derivedX !== jwk.x) throw bad("its public and private halves do not match");
  return { key, kid: typeof jwk.kid === "string" && jwk.kid !== "" ? jwk.kid : undefined };
}

/** Seconds either side of now that an assertion is valid, as ConductorOne's SDK signs them. */
export const ASSERTION_LIFETIME_SECONDS = 120;

/**
 * The compact JWS ConductorOne's token endpoint expects as client_assertion: EdDSA, a fresh 16-byte hex
 * nonce in the protected header, iss = sub = client id, aud = the client id's host (a plain string).
 */
export function signAssertion(clientId: ClientId, secret: ClientSecret, nowMs: number): string {
  const now = Math.floor(nowMs / 1000);
  // Key order matches the Go SDK's (sorted), so the bytes are the same for the same inputs.
  const header: Record<string, string> = { alg: "EdDSA" };
  if (secret.kid) header.kid = secret.kid;
  header.nonce = randomBytes(16).toString("hex");
  const payload = {
    aud: clientId.audience,
    exp: now + ASSERTION_LIFETIME_SECONDS,
    iat: now,
    iss: clientId.value,
    nbf: now - ASSERTION_LIFETIME_SECONDS,
    sub: clientId.value,
  };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign(null, Buffer.from(signingInput, "utf8"), secret.key);
  return `${signingInput}.${signature.toString("base64url")}`;
}

function b64url(s: string): string {
  return Buffer.from(s, "utf8").toString("base64url");
}

function stripPort(hostPort: string): string {
  if (hostPort.startsWith("[")) {
    const end = hostPort.indexOf("]");
    return end > 0 ? hostPort.slice(1, end) : hostPort;
  }
  return hostPort.replace(/:\d*$/, "");
}

/** Splits at most n-1 times, the last part keeping any further separators (Go's strings.SplitN). */
function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}

// Access tokens for ConductorOne: a client-credentials exchange authenticated by a signed JWT assertion.
import { Code, ConnectError } from "@connectrpc/connect";
import { request } from "node:https";
import { rootCertificates } from "node:tls";
import type { Clock } from "../../common/clock.js";
import { type ClientId, type ClientSecret, signAssertion } from "./credentials.js";
import type { Proxy } from "./proxy.js";

/** A token is replaced this long before it expires, so no RPC carries one that expires in flight. */
export const TOKEN_EXPIRY_MARGIN_MS = 10_000;

export interface TokenSourceOptions {
  clientId: ClientId;
  secret: ClientSecret;
  tokenUrl: string;
  clock: Clock;
  userAgent: string;
  timeoutMs: number;
  /** Extra trusted CA certificates (PEM); the system roots and NODE_EXTRA_CA_CERTS are always trusted. */
  ca?: string;
  proxy?: Proxy;
  /** Called with each new access token (e.g. to register it for redaction). */
  onToken?: (token: string) => void;
}

interface CachedToken {
  header: string;
  expiresAt: number;
}

/**
 * Fetches a token when none is cached or the cached one is within 10 s of expiry; concurrent callers share
 * one fetch. Failures are not cached. Errors are gRPC statuses: UNAUTHENTICATED when the endpoint refuses
 * (fatal at start-up, like the Go SDK), UNAVAILABLE when it cannot be reached (retried).
 */
export class TokenSource {
  private cached?: CachedToken;
  private inflight?: Promise<CachedToken>;

  constructor(private readonly opts: TokenSourceOptions) {}

  async authorization(signal?: AbortSignal): Promise<string> {
    const now = this.opts.clock.now();
    if (this.cached && now < this.cached.expiresAt - TOKEN_EXPIRY_MARGIN_MS) return this.cached.header;
    this.inflight ??= this.fetchToken(signal).finally(() => {
      this.inflight = undefined;
    });
    this.cached = await this.inflight;
    return this.cached.header;
  }

  private async fetchToken(signal?: AbortSignal): Promise<CachedToken> {
    const { clientId, secret, clock } = this.opts;
    const fetchedAt = clock.now();
    const body = new URLSearchParams({
      client_assertion: signAssertion(clientId, secret, fetchedAt),
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_id: clientId.value,
      grant_type: "client_credentials",
    }).toString();
    const res = await this.post(body, signal);
    if (res.status !== 200) throw new ConnectError(`failed to get token: ${res.status} ${res.statusText}`.trim(), Code.Unauthenticated);
    let parsed: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(res.body) as typeof parsed;
    } catch {
      throw new ConnectError("failed to get token: the token endpoint did not answer JSON", Code.Unauthenticated);
    }
    if (typeof parsed.access_token !== "string" || parsed.access_token === "") {
      throw new ConnectError("failed to get token: the response holds no access_token", Code.Unauthenticated);
    }
    if (typeof parsed.expires_in !== "number" || !Number.isInteger(parsed.expires_in)) {
      throw new ConnectError("failed to get token: expires_in is not a whole number of seconds", Code.Unauthenticated);
    }
    this.opts.onToken?.(parsed.access_token);
    return { header: `${tokenType(parsed.token_type)} ${parsed.access_token}`, expiresAt: fetchedAt + parsed.expires_in * 1000 };
  }

  private post(body: string, signal?: AbortSignal): Promise<{ status: number; statusText: string; body: string }> {
    const url = new URL(this.opts.tokenUrl);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": this.opts.userAgent, "content-length": Buffer.byteLength(body) },
          ca: this.opts.ca ? [...defaultCas(), this.opts.ca] : undefined,
          minVersion: "TLSv1.2",
          timeout: this.opts.timeoutMs,
          signal,
          agent: this.opts.proxy?.httpsAgent(url),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", (err) => reject(unreachable(err)));
        },
      );
      req.on("timeout", () => req.destroy(new Error("the token endpoint did not answer in time")));
      req.on("error", (err) => reject(signal?.aborted ? new ConnectError("token request cancelled", Code.Canceled) : unreachable(err)));
      req.end(body);
    });
  }
}

function unreachable(err: Error): ConnectError {
  return new ConnectError(`cannot reach the token endpoint: ${err.message}`, Code.Unavailable);
}

/** OAuth2's normalisation of token_type for the authorization header. */
function tokenType(t: unknown): string {
  const s = typeof t === "string" ? t : "";
  const lower = s.toLowerCase();
  if (lower === "" || lower === "bearer") return "Bearer";
  if (lower === "mac") return "MAC";
  if (lower === "basic") return "Basic";
  return s;
}

function defaultCas(): string[] {
  return [...rootCertificates];
}

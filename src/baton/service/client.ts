// The gRPC client of ConductorOne's BatonService: TLS over HTTP/2, a bearer token on every call, and a
// deadline on every call (the Go SDK has one only on FinishTask; a server that never answers would
// otherwise stall the daemon for good).
import { type Client, type Interceptor, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { rootCertificates } from "node:tls";
import { BatonService } from "../gen/c1/connectorapi/baton/v1/baton_pb.js";
import type { Proxy } from "./proxy.js";
import type { TokenSource } from "./token.js";

export type BatonServiceClient = Client<typeof BatonService>;

/** Deadlines per call kind. Uploads stream whole files, so theirs is long. */
export const CALL_TIMEOUT_MS = { unary: 60_000, finishTask: 30_000, upload: 30 * 60_000 } as const;

export interface ServiceClientOptions {
  baseUrl: string;
  tokens: TokenSource;
  userAgent: string;
  /** Extra trusted CA certificates (PEM), besides the system roots and NODE_EXTRA_CA_CERTS. */
  ca?: string;
  proxy?: Proxy;
}

export function createServiceClient(opts: ServiceClientOptions): BatonServiceClient {
  const auth: Interceptor = (next) => async (req) => {
    req.header.set("authorization", await opts.tokens.authorization(req.signal));
    req.header.set("user-agent", opts.userAgent);
    return next(req);
  };
  const url = new URL(opts.baseUrl);
  const tls = { ALPNProtocols: ["h2"], servername: url.hostname, minVersion: "TLSv1.2" as const, ...(opts.ca ? { ca: [...rootCertificates, opts.ca] } : {}) };
  const createConnection = opts.proxy?.http2Connection(url, tls);
  const transport = createGrpcTransport({
    baseUrl: opts.baseUrl,
    interceptors: [auth],
    nodeOptions: { ...tls, ...(createConnection ? { createConnection } : {}) },
    // Idle connections are closed rather than kept alive with pings the server may not expect.
    idleConnectionTimeoutMs: 60_000,
  });
  return createClient(BatonService, transport);
}

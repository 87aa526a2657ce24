// The transport is the only piece that touches the network, so tests and tools can swap it (stripe-node's habit).

export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** The caller's cancellation: aborting it aborts the request and rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
}

/** Thrown by a transport when no response arrived. `timedOut` separates a slow server from a broken connection. */
export class TransportFailure extends Error {
  override name = "TransportFailure";
  constructor(
    message: string,
    readonly timedOut: boolean,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

export type Transport = (req: TransportRequest) => Promise<TransportResponse>;

/** Node's built-in fetch (undici): keep-alive connections, no HTTP cache. */
export const fetchTransport: Transport = async (req) => {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal, redirect: "manual" });
    const body = await res.text();
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return { status: res.status, headers, body };
  } catch (err) {
    if (req.signal?.aborted) throw req.signal.reason; // cancelled by the caller: not a failure to retry
    const e = err as { name?: string; cause?: { code?: string } };
    const timedOut = e?.name === "TimeoutError" || e?.name === "AbortError";
    throw new TransportFailure(timedOut ? "timed out" : (e?.cause?.code ?? "fetch failed"), timedOut, err);
  }
};

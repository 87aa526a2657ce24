/** The simulator's request log and the counters derived from it. */

export interface RequestLogEntry {
  /** Start time (ms since epoch, when the request arrived). */
  at: number;
  /** When the response was finished or the socket dropped (0 while in flight). */
  endedAt: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string[]>;
  /** Lower-cased header names; x-api-key (and authorization) replaced by "[redacted]". */
  headers: Record<string, string>;
  /** Parsed JSON body, or the raw text when it was not JSON; absent when empty. */
  body?: unknown;
  /** HTTP status; 0 when the connection was dropped without a response. */
  status: number;
  /** Injected failure: "429" | "500" | "502" | "503" | "drop" | "slow" | "rate-limit" | "fail-always". */
  fault?: string;
  /** The client closed the connection before a response was sent (a cancelled request). */
  clientClosed?: boolean;
  /** Matched route ("GET /api/v1/workspaces"), "(html)" for SPA paths, "(unmatched)" otherwise. */
  route?: string;
}

export interface Counters {
  total: number;
  byRoute: Record<string, number>;
  status: Record<string, number>;
  /** Max number of requests started within any sliding 1000 ms window. */
  maxPerSecond: number;
}

export function redactHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    const name = k.toLowerCase();
    out[name] = name === "x-api-key" || name === "authorization" ? "[redacted]" : Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

export function computeCounters(log: RequestLogEntry[]): Counters {
  const byRoute: Record<string, number> = {};
  const status: Record<string, number> = {};
  for (const e of log) {
    const r = e.route ?? `${e.method} ${e.path}`;
    byRoute[r] = (byRoute[r] ?? 0) + 1;
    status[String(e.status)] = (status[String(e.status)] ?? 0) + 1;
  }
  const starts = log.map((e) => e.at).sort((a, b) => a - b);
  let max = 0;
  for (let lo = 0, hi = 0; hi < starts.length; hi++) {
    while (starts[hi]! - starts[lo]! >= 1000) lo++;
    max = Math.max(max, hi - lo + 1);
  }
  return { total: log.length, byRoute, status, maxPerSecond: max };
}

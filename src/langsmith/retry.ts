// The one home of the retry rules: which failures are tried again, how long to wait first, and how a
// server's Retry-After is read.
export interface RetryPolicy {
  /** Total tries of one call, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is capped (servers sometimes send nonsense). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** What came of one try: an HTTP status, or no answer at all (connection failed, or timed out). */
export type AttemptOutcome = { status: number } | { network: "error" | "timeout" };

export interface RetryQuestion {
  method: string;
  /** The try that just failed, 1 for the first. */
  attempt: number;
  outcome: AttemptOutcome;
}

/**
 * Whether a failed try is tried again. Every case is here and nowhere else.
 */
export function shouldRetry(q: RetryQuestion, policy: RetryPolicy): boolean {
  // Out of tries: the caller gets the last failure.
  if (q.attempt >= policy.maxAttempts) return false;
  // Only reads are repeated after a failure whose effect is unknown: a write that got no answer, or a
  // server error, may still have happened, so the caller re-reads state before deciding to write again.
  const idempotent = q.method === "GET";
  if ("network" in q.outcome) {
    // No answer (connection refused or reset, or the timeout elapsed): safe to repeat a read only.
    return idempotent;
  }
  const { status } = q.outcome;
  // 429: the server refused the request without acting on it, so every method is tried again (after
  // its Retry-After; the limiter also slows the whole client down).
  if (status === 429) return true;
  // 501 Not Implemented will not change by asking again.
  if (status === 501) return false;
  // Other 5xx (500, 502 from a proxy, 503 overloaded, 504 gateway timeout): transient; reads only, as above.
  if (status >= 500) return idempotent;
  // 4xx (bad request, auth, permission, not found, conflict, validation) and anything else: asking again
  // gets the same answer.
  return false;
}

/** Capped exponential backoff with "equal jitter": never less than half the step, never more than the cap. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * Reads `Retry-After-Ms`, then `Retry-After` as seconds or an HTTP-date (relative to `now`, the caller's
 * clock). Returns milliseconds, capped.
 */
export function parseRetryAfter(headers: Record<string, string>, policy: RetryPolicy, now: number): number | undefined {
  const ms = headers["retry-after-ms"];
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return clamp(Number(ms), policy);
  const value = headers["retry-after"]?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return clamp(Number(value) * 1000, policy);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return clamp(date - now, policy);
}

function clamp(ms: number, policy: RetryPolicy): number {
  return Math.min(Math.max(0, Math.round(ms)), policy.maxRetryAfterMs);
}

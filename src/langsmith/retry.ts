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

/** Capped exponential backoff with "equal jitter": never less than half the step, never more than the cap. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** Reads `Retry-After-Ms`, then `Retry-After` as seconds or an HTTP-date. Returns milliseconds, capped. */
export function parseRetryAfter(headers: Record<string, string>, policy: RetryPolicy, now = Date.now()): number | undefined {
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

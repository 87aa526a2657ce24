import { realClock } from "../common/clock.js";

// One limiter per client: every request, retries included, passes through it, so the whole client
// slows down after a 429 rather than one call.

export interface LimiterOptions {
  /** Ceiling on request starts per second; Infinity lifts it. */
  requestsPerSecond: number;
  /** Ceiling on requests in flight at once. */
  maxInFlight: number;
}

export interface LimiterStats {
  started: number;
  requestsPerSecond: number;
  maxInFlight: number;
  slowdowns: number;
}

const WINDOW_MS = 1000;
/**
 * Starts are spread over a slightly longer second: spaced at exactly 1000/rate ms, rate + 1 starts fit in a
 * closed one-second window, and requests reach the server a few ms earlier or later than they start.
 */
const SPACING_WINDOW_MS = 1005;
const MIN_RATE = 0.5;
/** Stay a little under half: requests reach the server a few ms earlier or later than they were started. */
const JITTER_MARGIN = 0.9;

export class RequestLimiter {
  private rate: number;
  private readonly maxInFlight: number;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private nextStartAt = 0;
  private pausedUntil = 0;
  private readonly recentStarts: number[] = [];
  /** Start times of recent requests the server refused with a 429. */
  private recentRefusals: number[] = [];
  /** The last slowdown: when, the rate before it, and how many requests of the second before it started and were refused. */
  private burst?: { at: number; rateBefore: number; started: number; refused: number };
  private started = 0;
  private slowdowns = 0;

  constructor(opts: LimiterOptions) {
    if (!(opts.requestsPerSecond > 0)) throw new RangeError("requestsPerSecond must be > 0");
    if (!(opts.maxInFlight >= 1)) throw new RangeError("maxInFlight must be >= 1");
    this.rate = opts.requestsPerSecond;
    this.maxInFlight = Math.floor(opts.maxInFlight);
  }

  /** Runs `fn` when a slot and a turn are free; `signal` gives up the wait (and the slot) when it aborts. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquireSlot(signal);
    try {
      await this.waitForTurn(signal);
      return await fn();
    } finally {
      this.releaseSlot();
    }
  }

  /**
   * Called on a 429: nobody starts before the server's Retry-After, and the rate drops to half of
   * what the server let through in the last second (a little under) — below what it accepted, so the
   * limit is not hit again. `startedAt` is when the refused request started: 429s of requests that were
   * already on their way at the last slowdown belong to that burst — they do not halve the rate again,
   * they only correct how many got through.
   */
  onRateLimited(retryAfterMs: number | undefined, startedAt: number = Date.now()): void {
    const now = Date.now();
    if (retryAfterMs && retryAfterMs > 0) this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    this.recentRefusals.push(startedAt);
    this.trimRecent(now);
    if (this.burst && startedAt < this.burst.at) {
      this.burst.refused++;
      this.lowerTo(this.burst);
      return;
    }
    this.burst = { at: now, rateBefore: this.rate, started: this.recentStarts.length, refused: this.recentRefusals.length };
    if (this.lowerTo(this.burst)) this.slowdowns++;
  }

  /** Lowers the rate to a little under half of what got through before the burst; true if it went down. */
  private lowerTo(b: NonNullable<RequestLimiter["burst"]>): boolean {
    const admitted = Math.max(1, b.started - b.refused);
    const next = Math.max(MIN_RATE, (Math.min(b.rateBefore, admitted) / 2) * JITTER_MARGIN);
    if (next >= this.rate) return false;
    this.rate = next;
    return true;
  }

  stats(): LimiterStats {
    return { started: this.started, requestsPerSecond: this.rate, maxInFlight: this.maxInFlight, slowdowns: this.slowdowns };
  }

  private async acquireSlot(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.inFlight < this.maxInFlight) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const take = () => {
        signal?.removeEventListener("abort", giveUp);
        resolve();
      };
      const giveUp = () => {
        const i = this.waiting.indexOf(take);
        if (i >= 0) this.waiting.splice(i, 1); // never handed the slot, so nothing to release
        reject(signal!.reason);
      };
      this.waiting.push(take);
      signal?.addEventListener("abort", giveUp, { once: true });
    });
  }

  private releaseSlot(): void {
    const next = this.waiting.shift();
    if (next) next(); // hand the slot over directly; inFlight stays the same
    else this.inFlight--;
  }

  private async waitForTurn(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = Date.now();
      const interval = Number.isFinite(this.rate) ? SPACING_WINDOW_MS / this.rate : 0;
      const startAt = Math.max(now, this.nextStartAt, this.pausedUntil);
      if (startAt <= now) {
        this.nextStartAt = now + interval;
        this.started++;
        this.recentStarts.push(now);
        this.trimRecent(now);
        return;
      }
      // Sleep, then re-check: a 429 elsewhere may have moved the pause or the rate meanwhile.
      await sleep(startAt - now, signal);
    }
  }

  private trimRecent(now: number): void {
    while (this.recentStarts.length && this.recentStarts[0]! <= now - WINDOW_MS) this.recentStarts.shift();
    if (this.recentRefusals.some((t) => t <= now - WINDOW_MS)) this.recentRefusals = this.recentRefusals.filter((t) => t > now - WINDOW_MS);
  }
}

/** Waits `ms`; rejects with the signal's reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return realClock.sleep(ms, signal);
}

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
const MIN_RATE = 0.5;

export class RequestLimiter {
  private rate: number;
  private readonly maxInFlight: number;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private nextStartAt = 0;
  private pausedUntil = 0;
  private readonly recentStarts: number[] = [];
  private started = 0;
  private slowdowns = 0;

  constructor(opts: LimiterOptions) {
    if (!(opts.requestsPerSecond > 0)) throw new RangeError("requestsPerSecond must be > 0");
    if (!(opts.maxInFlight >= 1)) throw new RangeError("maxInFlight must be >= 1");
    this.rate = opts.requestsPerSecond;
    this.maxInFlight = Math.floor(opts.maxInFlight);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquireSlot();
    try {
      await this.waitForTurn();
      return await fn();
    } finally {
      this.releaseSlot();
    }
  }

  /**
   * Called on a 429: nobody starts before the server's Retry-After, and the rate drops to half of
   * what got through in the last second — below what the server accepted, so the limit is not hit again.
   */
  onRateLimited(retryAfterMs: number | undefined): void {
    const now = Date.now();
    if (retryAfterMs && retryAfterMs > 0) this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    this.trimRecent(now);
    const observed = Math.max(1, this.recentStarts.length);
    const next = Math.max(MIN_RATE, Math.min(this.rate, observed) / 2);
    if (next < this.rate) {
      this.rate = next;
      this.slowdowns++;
    }
  }

  stats(): LimiterStats {
    return { started: this.started, requestsPerSecond: this.rate, maxInFlight: this.maxInFlight, slowdowns: this.slowdowns };
  }

  private async acquireSlot(): Promise<void> {
    if (this.inFlight < this.maxInFlight) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.waiting.shift();
    if (next) next(); // hand the slot over directly; inFlight stays the same
    else this.inFlight--;
  }

  private async waitForTurn(): Promise<void> {
    for (;;) {
      const now = Date.now();
      const interval = Number.isFinite(this.rate) ? WINDOW_MS / this.rate : 0;
      const startAt = Math.max(now, this.nextStartAt, this.pausedUntil);
      if (startAt <= now) {
        this.nextStartAt = now + interval;
        this.started++;
        this.recentStarts.push(now);
        this.trimRecent(now);
        return;
      }
      // Sleep, then re-check: a 429 elsewhere may have moved the pause or the rate meanwhile.
      await sleep(startAt - now);
    }
  }

  private trimRecent(now: number): void {
    while (this.recentStarts.length && this.recentStarts[0]! <= now - WINDOW_MS) this.recentStarts.shift();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

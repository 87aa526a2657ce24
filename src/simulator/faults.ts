/** Seeded fault injection and a fixed-window server-side rate limiter. */
import { Prng } from "./prng.js";

export type FaultKind = "429" | "500" | "502" | "503" | "drop" | "slow";
export const ALL_FAULT_KINDS: readonly FaultKind[] = ["429", "500", "502", "503", "drop", "slow"];

export interface FaultOptions {
  /** Probability (0–1) that a matching request is faulted. */
  rate: number;
  seed?: number;
  kinds?: FaultKind[];
  /** Methods that can be faulted (default ["GET"]). */
  methods?: string[];
  /** Retry-After seconds on injected 429s (default 1). */
  retryAfterSeconds?: number;
  /** Delay of the "slow" fault in ms (default 2000). */
  slowMs?: number;
}

export class FaultInjector {
  private readonly rng: Prng;
  private readonly kinds: FaultKind[];
  private readonly methods: Set<string>;
  readonly retryAfterSeconds: number;
  readonly slowMs: number;

  constructor(readonly opts: FaultOptions) {
    this.rng = new Prng(opts.seed ?? 1, 0xfa17);
    this.kinds = opts.kinds && opts.kinds.length ? [...opts.kinds] : [...ALL_FAULT_KINDS];
    for (const k of this.kinds) if (!ALL_FAULT_KINDS.includes(k)) throw new Error(`unknown fault kind ${k}`);
    this.methods = new Set((opts.methods ?? ["GET"]).map((m) => m.toUpperCase()));
    this.retryAfterSeconds = opts.retryAfterSeconds ?? 1;
    this.slowMs = opts.slowMs ?? 2000;
  }

  /** Draws for one request; only requests with a matching method consume the sequence. */
  draw(method: string): FaultKind | null {
    if (!this.methods.has(method.toUpperCase())) return null;
    const roll = this.rng.next();
    const kind = this.kinds[this.rng.int(this.kinds.length)]!;
    return roll < this.opts.rate ? kind : null;
  }
}

export interface RateLimitOptions {
  requestsPerSecond: number;
  /** Fixed Retry-After value; default: seconds until the window resets (rounded up, min 1). */
  retryAfterSeconds?: number;
}

/**
 * Counts requests in logical one-second windows: window 0 starts at the first request it checks, window n
 * at n seconds after that. Anchoring at the first request (not at the wall clock's second boundaries) means
 * a test's burst lands in one window however fast the machine is, and every log entry records the window
 * it was counted in, so tests assert on the server's own counts.
 */
export class RateLimiter {
  private origin: number | undefined;
  private window = -1;
  private count = 0;

  constructor(readonly opts: RateLimitOptions) {}

  /**
   * Counts one request arriving at `nowMs`: its window, and null when admitted or the Retry-After seconds
   * when refused. Refused requests don't count.
   */
  check(nowMs: number): { window: number; retryAfter: number | null } {
    this.origin ??= nowMs;
    const w = Math.floor((nowMs - this.origin) / 1000);
    if (w !== this.window) {
      this.window = w;
      this.count = 0;
    }
    if (this.count < this.opts.requestsPerSecond) {
      this.count++;
      return { window: w, retryAfter: null };
    }
    const untilNext = this.origin + (w + 1) * 1000 - nowMs;
    return { window: w, retryAfter: this.opts.retryAfterSeconds ?? Math.max(1, Math.ceil(untilNext / 1000)) };
  }
}

/**
 * A clock that moves only when the test says so. Code under test takes a `Clock`; tests pass this one and
 * assert exact times ("the 11th request starts at t = 1005 ms") instead of racing the machine.
 *
 * Why a small object and not node:test's `mock.timers`: mock.timers replaces the process-wide setTimeout
 * and Date, which would also stop the real timers of anything else running in the same test file (a
 * simulator, a concurrent test); and it has no way to let the promise chains woken by one timer run —
 * and schedule the next sleep — before the following timer fires. `advance` does exactly that, so a
 * limiter that sleeps, wakes, re-checks and sleeps again is driven step by step in one call.
 */
import type { Clock } from "../../src/common/clock.js";

interface Sleeper {
  at: number;
  order: number;
  resolve: () => void;
}

export class FakeClock implements Clock {
  private time: number;
  private sleepers: Sleeper[] = [];
  private order = 0;

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = {
        at: this.time + Math.max(0, ms),
        order: this.order++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /** How many sleeps are pending. */
  get pending(): number {
    return this.sleepers.length;
  }

  /**
   * Moves time forward by `ms`, waking sleepers in time order, each at its own instant; after each wake the
   * code it resumed runs (until it waits on something again) before time moves on.
   */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await settle();
    for (;;) {
      const next = this.sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!next) break;
      this.sleepers = this.sleepers.filter((s) => s !== next);
      this.time = Math.max(this.time, next.at);
      next.resolve();
      await settle();
    }
    this.time = target;
    await settle();
  }

  /** Advances until no sleeper is left (at most `limitMs`, so a bug cannot loop forever). */
  async runAll(limitMs = 3_600_000): Promise<void> {
    const end = this.time + limitMs;
    await settle();
    while (this.sleepers.length && this.time < end) {
      const next = Math.min(...this.sleepers.map((s) => s.at));
      await this.advance(Math.max(0, Math.min(next, end) - this.time));
    }
  }
}

/** Lets every promise continuation that is ready run (one macrotask turn runs all microtasks). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

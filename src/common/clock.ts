/**
 * Time as a dependency. Everything that reads the clock or waits takes a `Clock`, so tests can drive time
 * with a fake one and assert exact outcomes instead of racing the machine's scheduler.
 * This module sits below every layer (langsmith, baton, connector, cli) and depends on nothing.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, like `Date.now()`. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds (at once for `ms <= 0`). Rejects with the signal's reason as soon as
   * `signal` aborts, so a cancelled caller never waits out a back-off.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};

/**
 * Runs async tasks with a concurrency ceiling. Tasks may add more tasks. The first failure stops new
 * work from starting; drain() waits for running tasks to settle, then rejects with that failure.
 */
export class TaskPool {
  private readonly queue: Array<() => Promise<void>> = [];
  private running = 0;
  private failure: unknown;
  private failed = false;
  private waiters: Array<() => void> = [];
  done = 0;

  constructor(
    private readonly concurrency: number,
    private readonly onSettled: () => void = () => {},
  ) {
    if (!(concurrency >= 1)) throw new RangeError("concurrency must be >= 1");
  }

  get pending(): number {
    return this.queue.length + this.running;
  }

  add(task: () => Promise<void>): void {
    if (this.failed) return;
    this.queue.push(task);
    this.pump();
  }

  async drain(): Promise<void> {
    while (this.running > 0 || (this.queue.length > 0 && !this.failed)) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.failed) throw this.failure;
  }

  private pump(): void {
    while (!this.failed && this.running < this.concurrency && this.queue.length) {
      const task = this.queue.shift()!;
      this.running++;
      task()
        .catch((err) => {
          if (!this.failed) {
            this.failed = true;
            this.failure = err;
            this.queue.length = 0;
          }
        })
        .finally(() => {
          this.running--;
          this.done++;
          this.onSettled();
          this.pump();
          for (const w of this.waiters.splice(0)) w();
        });
    }
  }
}

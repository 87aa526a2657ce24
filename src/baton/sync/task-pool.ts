/**
 * Runs async tasks with a concurrency ceiling. Tasks may add more tasks. The first failure stops new
 * work from starting; drain() waits for running tasks to settle, then rejects with the failure of the
 * task that was added first among those that failed — not the one that happened to fail first, so that
 * when two calls fail at once (say, a permission refused on two listings) the error reported does not
 * depend on which answer arrived first.
 */
export class TaskPool {
  private readonly queue: Array<{ task: () => Promise<void>; seq: number }> = [];
  private running = 0;
  private added = 0;
  private failure?: { err: unknown; seq: number };
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
    if (this.failure) return;
    this.queue.push({ task, seq: this.added++ });
    this.pump();
  }

  async drain(): Promise<void> {
    while (this.running > 0 || (this.queue.length > 0 && !this.failure)) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.failure) throw this.failure.err;
  }

  private pump(): void {
    while (!this.failure && this.running < this.concurrency && this.queue.length) {
      const { task, seq } = this.queue.shift()!;
      this.running++;
      task()
        .catch((err) => {
          this.queue.length = 0;
          if (!this.failure || seq < this.failure.seq) this.failure = { err, seq };
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

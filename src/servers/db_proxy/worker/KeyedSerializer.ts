/**
 * Per-key promise chains inside one worker (db_proxy.md §2.6): two tasks with the same key never
 * overlap and run in arrival order; tasks with different keys run concurrently on the async
 * drivers. A chain entry is dropped as soon as its key goes idle, so memory follows the load.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<void>>();
  private running = 0;
  private idleWaiters: Array<() => void> = [];

  /** Tasks queued or running. */
  get pending(): number {
    return this.running;
  }

  run(key: string, task: () => Promise<void>): void {
    this.running++;
    const prev = this.tails.get(key);
    const next = (prev ? prev.then(task) : task()).catch(() => undefined).then(() => {
      this.running--;
      if (this.tails.get(key) === next) this.tails.delete(key);
      if (this.running === 0) {
        const w = this.idleWaiters;
        this.idleWaiters = [];
        for (const f of w) f();
      }
    });
    this.tails.set(key, next);
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

/**
 * Control IDs (MSH-10, with the sender's MSH-3/MSH-4) seen recently, so a message re-sent after a
 * lost ACK is acknowledged again without being filed twice. Bounded in time and size: the oldest
 * entries go first. In-flight messages are tracked too, so a duplicate arriving while the first is
 * still being written waits for its outcome instead of racing it.
 */
export class RecentControlIds<T> {
  private readonly done = new Map<string, { at: number; value: T }>();
  private readonly pending = new Map<string, Promise<T | undefined>>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {}

  /** A finished outcome remembered for this key, or the promise of one in progress. */
  lookup(key: string, now: number): { value: T } | { pending: Promise<T | undefined> } | undefined {
    this.expire(now);
    const hit = this.done.get(key);
    if (hit) return { value: hit.value };
    const pending = this.pending.get(key);
    return pending ? { pending } : undefined;
  }

  /** Marks the key in progress until `work` settles; remembers its value when it yields one. */
  async track(key: string, now: () => number, work: () => Promise<T | undefined>): Promise<T | undefined> {
    const running = work();
    this.pending.set(key, running);
    try {
      const value = await running;
      if (value !== undefined) this.remember(key, now(), value);
      return value;
    } finally {
      if (this.pending.get(key) === running) this.pending.delete(key);
    }
  }

  private remember(key: string, at: number, value: T): void {
    this.done.delete(key);
    this.done.set(key, { at, value });
    while (this.done.size > this.maxEntries) {
      const oldest = this.done.keys().next().value;
      if (oldest === undefined) break;
      this.done.delete(oldest);
    }
  }

  private expire(now: number): void {
    // Insertion order is time order, so stop at the first entry still inside the window.
    for (const [key, entry] of this.done) {
      if (now - entry.at <= this.windowMs) break;
      this.done.delete(key);
    }
  }

  get size(): number {
    return this.done.size;
  }
}

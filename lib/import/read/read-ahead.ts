/**
 * Runs an async iterator ahead of its consumer, up to a bound: the importer's parse keeps going while the consumer
 * waits on the database (a question COPY, a language's lookup table, the end of a prediction COPY), so on two cores
 * the Node side and Postgres work side by side instead of taking turns. Items come out in order; an error of the
 * source comes out after the items before it. stop() ends the source early (the consumer failed or is done).
 */
export class ReadAhead<T> {
  private readonly queue: IteratorResult<T>[] = [];
  private queued = 0;
  private failed = false;
  private error: unknown = null;
  private stopped = false;
  /** The consumer waiting for an item, and the producer waiting for room. */
  private wakeConsumer: (() => void) | null = null;
  private wakeProducer: (() => void) | null = null;

  constructor(
    private readonly source: AsyncIterator<T>,
    /** What an item counts against the bound (e.g. its rows). */
    private readonly size: (item: T) => number,
    private readonly limit: number,
  ) {
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        while (this.queued >= this.limit && !this.stopped) await new Promise<void>((r) => (this.wakeProducer = r));
        if (this.stopped) break;
        const r = await this.source.next();
        this.queue.push(r);
        if (!r.done) this.queued += this.size(r.value);
        this.wake();
        if (r.done) return;
        if (this.stopped) break;
      }
      await this.source.return?.();
    } catch (e) {
      this.failed = true;
      this.error = e;
      this.wake();
    }
  }

  private wake(): void {
    const w = this.wakeConsumer;
    this.wakeConsumer = null;
    w?.();
  }

  /** The next item (or the end), in order; throws the source's error once the items before it are taken. */
  async next(): Promise<IteratorResult<T>> {
    if (this.stopped) return { done: true, value: undefined };
    while (this.queue.length === 0) {
      if (this.failed) throw this.error;
      if (this.stopped) return { done: true, value: undefined };
      await new Promise<void>((r) => (this.wakeConsumer = r));
    }
    const r = this.queue[0];
    if (r.done) return r; // stays queued: the end answers every later call
    this.queue.shift();
    this.queued -= this.size(r.value);
    const w = this.wakeProducer;
    this.wakeProducer = null;
    w?.();
    return r;
  }

  /** Stops reading ahead and closes the source (idempotent); next() answers the end from now on. */
  stop(): void {
    this.stopped = true;
    const w = this.wakeProducer;
    this.wakeProducer = null;
    w?.();
    this.wake();
  }
}

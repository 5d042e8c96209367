/**
 * A small pool of worker threads for CPU-bound work requested by the web server (the significance bootstrap), so
 * it never runs on the event loop: at most `size` threads (ATLAS_COMPUTE_THREADS, default cores − 1, at least 1),
 * each doing one task at a time, and at most `maxQueue` tasks waiting (ATLAS_COMPUTE_QUEUE, default 16). Past that
 * `run` throws PoolBusy with a Retry-After estimate, which the route answers as 503. Threads start on demand and
 * never keep the process alive.
 */
import { availableParallelism } from "node:os";
import { type Transferable, Worker } from "node:worker_threads";
import { readEnv, type EnvSource } from "../env";

export class PoolBusy extends Error {
  constructor(readonly retryAfterS: number) {
    super(
      `busy: every compute thread is working and ${retryAfterS > 0 ? "the queue is full" : "nothing can wait"}`,
    );
    this.name = "PoolBusy";
  }
}

interface Task {
  message: Record<string, unknown>;
  /** Handed to postMessage as its transfer list (moved to the thread, not copied; unusable here afterwards). */
  transfer?: Transferable[];
  resolve(v: unknown): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  task: (Task & { id: number; started: number }) | null;
}

export function computeThreads(env: EnvSource = process.env): number {
  return readEnv("ATLAS_COMPUTE_THREADS", env) ?? Math.max(1, availableParallelism() - 1);
}

export function computeQueue(env: EnvSource = process.env): number {
  return readEnv("ATLAS_COMPUTE_QUEUE", env);
}

export class ThreadPool {
  private slots: Slot[] = [];
  private waiting: Task[] = [];
  private next = 0;
  /** Mean task time (ms), for Retry-After. */
  private meanMs = 1000;

  constructor(
    private readonly file: string,
    readonly size: number,
    readonly maxQueue: number,
    /** Handed to each thread as workerData (compute-thread.mjs reads `priority`). */
    private readonly workerData: Record<string, unknown> = {},
  ) {}

  run<T>(message: Record<string, unknown>, transfer?: Transferable[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const task: Task = { message, transfer, resolve: resolve as (v: unknown) => void, reject };
      const slot = this.slots.find((s) => !s.task) ?? (this.slots.length < this.size ? this.spawn() : null);
      if (slot) return this.start(slot, task);
      if (this.waiting.length >= this.maxQueue) {
        const ahead = this.waiting.length + this.slots.length;
        return reject(new PoolBusy(Math.max(1, Math.ceil((ahead * this.meanMs) / this.size / 1000))));
      }
      this.waiting.push(task);
    });
  }

  /** Tasks running and waiting (tests, diagnostics). */
  get load(): { running: number; waiting: number } {
    return { running: this.slots.filter((s) => s.task).length, waiting: this.waiting.length };
  }

  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.file, { workerData: this.workerData }), task: null };
    slot.worker.unref();
    slot.worker.on("message", (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
      const t = slot.task;
      if (!t || t.id !== m.id) return;
      this.meanMs = 0.8 * this.meanMs + 0.2 * (performance.now() - t.started);
      slot.task = null;
      if (m.ok) t.resolve(m.value);
      else t.reject(new Error(m.error));
      this.drain(slot);
    });
    const lost = (e: Error) => {
      this.slots = this.slots.filter((s) => s !== slot);
      slot.task?.reject(e);
      slot.task = null;
      const t = this.waiting.shift();
      if (t) this.start(this.spawn(), t);
    };
    slot.worker.on("error", lost);
    slot.worker.on("exit", (code) => {
      if (this.slots.includes(slot)) lost(new Error(`compute thread exited (code ${code})`));
    });
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, task: Task): void {
    const id = ++this.next;
    slot.task = { ...task, id, started: performance.now() };
    slot.worker.ref(); // a task in flight keeps the process alive until it answers
    slot.worker.postMessage({ ...task.message, id }, task.transfer);
  }

  private drain(slot: Slot): void {
    const t = this.waiting.shift();
    if (t) this.start(slot, t);
    else slot.worker.unref();
  }
}

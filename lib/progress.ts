/**
 * The one progress bar of the project (worker, `calib recompute`, `calib import`), on cli-progress: it owns the
 * redraw throttle (10×/s), the terminal handling (line clearing, no wrapping) and the non-terminal schedule; this
 * module only says what the line reads. stdout stays clean for results.
 *
 * - Counts (`ProgressBar`): done/total, rate and ETA. On a terminal a redrawn line; elsewhere (CI logs, pipes) a
 *   plain line every 5 s.
 * - Imports (`importProgressBar`): bytes read, rows and rows/s — on a terminal only, so logs and pipes stay clean.
 */
import cliProgress from "cli-progress";
import type { ImportProgress } from "./import/import-files";

export interface ProgressState {
  label: string;
  done: number;
  total: number;
  perSecond?: number | null;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "–";
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")}m`;
}

const bar = (frac: number, width: number, full: string, empty: string) => {
  const filled = Math.round(frac * width);
  return full.repeat(filled) + empty.repeat(width - filled);
};

export function progressLine(p: ProgressState, width = 28): string {
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const rate = p.perSecond ? `${p.perSecond.toFixed(p.perSecond < 10 ? 2 : 0)}/s` : "";
  const eta = p.perSecond ? formatEta((p.total - p.done) / p.perSecond) : "–";
  return `${p.label} [${bar(frac, width, "█", "░")}] ${p.done}/${p.total} ${(frac * 100).toFixed(0)}% ${rate} ETA ${eta}`;
}

export function importLine(p: ImportProgress, elapsedMs: number): string {
  const frac = p.bytesTotal > 0 ? Math.min(1, p.bytesRead / p.bytesTotal) : 0;
  const mb = (b: number) => (b / 1e6).toFixed(1);
  const rate = p.rows / Math.max(0.001, elapsedMs / 1000);
  return (
    `${p.phase.padEnd(7)} [${bar(frac, 24, "#", ".")}] ${(frac * 100).toFixed(0).padStart(3)}%  ` +
    `${mb(p.bytesRead)}/${mb(p.bytesTotal)} MB  ${p.rows.toLocaleString("en-US")} rows  ${Math.round(rate).toLocaleString("en-US")} rows/s`
  );
}

/**
 * A cli-progress bar whose line is `render(state)`. Started on the first update, stopped by done() (and, for a
 * count, when done reaches total), so its redraw timer never outlives the work and keeps a process alive.
 */
class Bar<S> {
  private inner: cliProgress.SingleBar | null = null;

  constructor(
    private readonly render: (s: S) => string,
    private readonly opts: { stream: NodeJS.WritableStream; ttyOnly: boolean; clearOnComplete: boolean },
  ) {}

  update = (state: S, value = 0, total = 1): void => {
    if (!this.inner) {
      const tty = (this.opts.stream as NodeJS.WriteStream).isTTY === true;
      if (this.opts.ttyOnly && !tty) return;
      this.inner = new cliProgress.SingleBar({
        stream: this.opts.stream,
        format: (_o, _p, payload: { state: S }) => this.render(payload.state),
        fps: 10,
        noTTYOutput: !this.opts.ttyOnly,
        notTTYSchedule: 5000,
        // Off a terminal each render ends its own line; clearing would only add a blank one.
        clearOnComplete: this.opts.clearOnComplete || !tty,
        gracefulExit: false,
      });
      this.inner.start(total, value, { state });
      return;
    }
    this.inner.setTotal(total);
    this.inner.update(value, { state });
  };

  done = (): void => {
    this.inner?.stop();
    this.inner = null;
  };
}

/** done/total with rate and ETA: a redrawn line on a terminal, else a plain line every 5 s. */
export class ProgressBar {
  private readonly bar: Bar<ProgressState>;

  constructor(stream: NodeJS.WritableStream = process.stderr) {
    const tty = stream as NodeJS.WriteStream;
    // On a terminal the bar fits its width; in logs it keeps progressLine's default.
    const width = () => (tty.isTTY ? Math.max(10, Math.min(40, (tty.columns ?? 80) - 60)) : undefined);
    this.bar = new Bar((s) => progressLine(s, width()), {
      stream,
      ttyOnly: false,
      clearOnComplete: false,
    });
  }

  update(p: ProgressState): void {
    this.bar.update(p, p.done, Math.max(1, p.total));
    if (p.total > 0 && p.done >= p.total) this.bar.done();
  }

  done(): void {
    this.bar.done();
  }
}

/** Bytes read / total, rows and rows/s of an import, on a terminal only; the line is cleared when done. */
export function importProgressBar(stream: NodeJS.WritableStream = process.stderr): {
  update: (p: ImportProgress) => void;
  done: () => void;
} {
  const start = Date.now();
  const b = new Bar<ImportProgress>((p) => importLine(p, Date.now() - start), { stream, ttyOnly: true, clearOnComplete: true });
  return { update: (p) => b.update(p, p.bytesRead, Math.max(1, p.bytesTotal)), done: b.done };
}

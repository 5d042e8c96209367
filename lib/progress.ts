/**
 * A one-line progress bar on stderr when it is a terminal, a plain line every few seconds otherwise
 * (CI logs, pipes). stdout stays clean for results.
 */
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

export function progressLine(p: ProgressState, width = 28): string {
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const filled = Math.round(frac * width);
  const rate = p.perSecond ? `${p.perSecond.toFixed(p.perSecond < 10 ? 2 : 0)}/s` : "";
  const eta = p.perSecond ? formatEta((p.total - p.done) / p.perSecond) : "–";
  return `${p.label} [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${p.done}/${p.total} ${(frac * 100).toFixed(0)}% ${rate} ETA ${eta}`;
}

export class ProgressBar {
  private last = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  update(p: ProgressState): void {
    const now = Date.now();
    if (this.tty) {
      if (now - this.last < 100 && p.done < p.total) return;
      process.stderr.write(`\r\x1b[2K${progressLine(p, Math.max(10, Math.min(40, (process.stderr.columns ?? 80) - 60)))}`);
    } else {
      if (now - this.last < 5000 && p.done < p.total) return;
      process.stderr.write(progressLine(p) + "\n");
    }
    this.last = now;
  }

  done(): void {
    if (this.tty) process.stderr.write("\n");
  }
}

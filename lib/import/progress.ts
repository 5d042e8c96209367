/**
 * A one-line progress bar for long imports (bytes read / total, rows/s), redrawn at most 10×/s.
 * Only meant for a TTY: callers check `stream.isTTY` so logs and pipes stay clean.
 */
import type { ImportProgress } from "./import-files";

export function progressBar(stream: NodeJS.WriteStream): {
  update: (p: ImportProgress) => void;
  done: () => void;
} {
  const start = Date.now();
  let last = 0;
  let drawn = false;
  const mb = (b: number) => (b / 1e6).toFixed(1);
  const update = (p: ImportProgress) => {
    const now = Date.now();
    if (now - last < 100 && p.bytesRead < p.bytesTotal) return;
    last = now;
    const frac = p.bytesTotal > 0 ? Math.min(1, p.bytesRead / p.bytesTotal) : 0;
    const width = 24;
    const filled = Math.round(frac * width);
    const rate = p.rows / Math.max(0.001, (now - start) / 1000);
    const line =
      `${p.phase.padEnd(7)} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ` +
      `${mb(p.bytesRead)}/${mb(p.bytesTotal)} MB  ${p.rows.toLocaleString("en-US")} rows  ${Math.round(rate).toLocaleString("en-US")} rows/s`;
    stream.write(`\r${line}\x1b[K`);
    drawn = true;
  };
  const done = () => {
    if (drawn) stream.write("\r\x1b[K");
  };
  return { update, done };
}

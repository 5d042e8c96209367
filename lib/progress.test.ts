import { afterEach, describe, expect, it, vi } from "vitest";
import { formatEta, importProgressBar, ProgressBar, progressLine } from "./progress";

/** A writable that records what is written; `tty` plays a terminal (cli-progress checks isTTY, columns). */
function fakeStream(tty: boolean) {
  const s = {
    out: "",
    isTTY: tty,
    columns: 100,
    write(chunk: string) {
      s.out += chunk;
      return true;
    },
  };
  return s as typeof s & NodeJS.WriteStream;
}

afterEach(() => vi.useRealTimers());

describe("progress line", () => {
  it("reads label, bar, count, percentage, rate and ETA", () => {
    expect(progressLine({ label: "run 1 en", done: 50, total: 200, perSecond: 25 }, 8)).toBe("run 1 en [██░░░░░░] 50/200 25% 25/s ETA 6s");
    expect(formatEta(3725)).toBe("1h02m");
    expect(formatEta(null)).toBe("–");
  });
});

describe("ProgressBar (counts)", () => {
  it("on a terminal redraws one line and ends it when done reaches total", () => {
    const s = fakeStream(true);
    const bar = new ProgressBar(s);
    bar.update({ label: "run 7", done: 1, total: 4 });
    expect(s.out).toContain("run 7 [");
    expect(s.out).toContain("1/4 25%");
    bar.update({ label: "run 7", done: 4, total: 4 });
    expect(s.out).toContain("4/4 100%");
    expect(s.out.endsWith("\n")).toBe(true);
  });

  it("off a terminal writes plain lines, at most one per 5 s, never a carriage return", () => {
    vi.useFakeTimers();
    const s = fakeStream(false);
    const bar = new ProgressBar(s);
    bar.update({ label: "run 7", done: 1, total: 1000 });
    for (let i = 2; i < 100; i++) bar.update({ label: "run 7", done: i, total: 1000 });
    expect(s.out.split("\n").filter(Boolean)).toHaveLength(1);
    vi.advanceTimersByTime(5000);
    expect(s.out.split("\n").filter(Boolean)).toHaveLength(2);
    expect(s.out.split("\n")[1]).toContain("99/1000");
    bar.done();
    expect(s.out).not.toContain("\r");
    vi.advanceTimersByTime(20_000);
    expect(s.out.split("\n").filter(Boolean)).toHaveLength(3); // the final line from done(), then nothing
  });
});

describe("importProgressBar", () => {
  it("draws bytes, rows and rows/s on one line and clears it when done", () => {
    const s = fakeStream(true);
    const bar = importProgressBar(s);
    bar.update({ phase: "reading", bytesRead: 5e6, bytesTotal: 1e7, rows: 1234 });
    expect(s.out).toMatch(/reading \[#{12}\.{12}\] {2}50% {2}5\.0\/10\.0 MB {2}1,234 rows {2}[\d,]+ rows\/s/);
    bar.done();
    expect(s.out.endsWith("\x1b[2K")).toBe(true); // the line is erased
  });

  it("writes nothing off a terminal (logs and pipes stay clean)", () => {
    const s = fakeStream(false);
    const bar = importProgressBar(s);
    bar.update({ phase: "reading", bytesRead: 5e6, bytesTotal: 1e7, rows: 1234 });
    bar.done();
    expect(s.out).toBe("");
  });
});

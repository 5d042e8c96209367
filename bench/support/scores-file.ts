/**
 * The benchmarks' generated import file: `n` scores-JSONL predictions (10 languages, 4 options, seeded, so every run
 * imports the same bytes), used by bench:ingest and bench:load-import.
 */
import { createWriteStream } from "node:fs";

export const LANGS = ["en", "de", "fr", "es", "zh", "ja", "sw", "yo", "hi", "ar"];
export const K = 4;

/** mulberry32: a tiny seeded PRNG so every run imports the same file. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Row {
  id: string;
  language: string;
  probs: number[];
  label: number;
}

export function* rows(n: number): Generator<Row> {
  const rnd = prng(42);
  const perLang = Math.ceil(n / LANGS.length);
  for (let i = 0; i < n; i++) {
    const raw = Array.from({ length: K }, () => rnd() ** 3 + 1e-3);
    const s = raw.reduce((a, b) => a + b, 0);
    // Rounded to 6 decimals with the rounding error folded into the last option: sums to 1 within 1e-6.
    const probs = raw.map((x) => Math.round((x / s) * 1e6) / 1e6);
    probs[K - 1] = Math.round((1 - probs.slice(0, K - 1).reduce((a, b) => a + b, 0)) * 1e6) / 1e6;
    yield {
      id: `q${i % perLang}`,
      language: LANGS[Math.floor(i / perLang)],
      probs,
      label: Math.floor(rnd() * K),
    };
  }
}

export async function writeScoresFile(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  let buf = "";
  for (const r of rows(n)) {
    buf += JSON.stringify(r) + "\n";
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((res) => out.once("drain", () => res()));
      buf = "";
    }
  }
  out.end(buf);
  await new Promise<void>((res, rej) => out.on("finish", () => res()).on("error", rej));
}

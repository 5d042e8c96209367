/**
 * `npm run bench:copy-binary`: lib/db/copy-binary.ts against npm's pg-copy-streams-binary (rowWriter / rowReader),
 * side by side on the same rows — the importer's prediction rows (int4, int4, float8[4], float8[4] or NULL, int4,
 * float8, bool) — in memory, no database: encoding n rows to binary COPY bytes, and decoding those bytes back.
 *
 * Both encoders must produce the same bytes and both decoders the same values (checked; the bench fails otherwise).
 * Ends with one JSON line:
 *   {"bench":"copy-binary","n":…,"encode_ours_s":…,"encode_lib_s":…,"encode_speedup":…,"decode_ours_s":…,
 *    "decode_lib_s":…,"decode_speedup":…,"identical":true,"load_avg":…}
 * speedup = the library's time / ours. BENCH_N (default 200,000) sets n.
 */
import { loadavg } from "node:os";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createRequire } from "node:module";
import { BinaryRowReader, BinaryRowWriter, COPY_BINARY_HEADER, COPY_BINARY_TRAILER } from "../lib/db/copy-binary";

// The library ships no types: its two streams take and give plain objects.
const { rowReader, rowWriter } = createRequire(import.meta.url)("pg-copy-streams-binary") as {
  rowWriter: () => NodeJS.ReadWriteStream;
  rowReader: (o: { mapping: { key: string; type: string }[] }) => NodeJS.ReadWriteStream;
};

const N = Number(process.env.BENCH_N ?? 200_000);

interface Row {
  runId: number;
  questionId: number;
  probs: number[];
  ll: number[] | null;
  predicted: number;
  confidence: number;
  correct: boolean;
}

function makeRows(n: number): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < n; i++) {
    const raw = [1, 2, 3, 4].map((k) => ((i * 2654435761 + k * 40503) % 1000003) / 1000003 + 1e-3);
    const s = raw.reduce((a, b) => a + b, 0);
    const probs = raw.map((x) => x / s);
    let best = 0;
    for (let k = 1; k < 4; k++) if (probs[k] > probs[best]) best = k;
    out.push({ runId: 7, questionId: i + 1, probs, ll: i % 2 ? probs.map(Math.log) : null, predicted: best, confidence: probs[best], correct: i % 4 === best });
  }
  return out;
}

const CHUNK = 10_000;

function encodeOurs(rows: Row[]): Buffer[] {
  const w = new BinaryRowWriter();
  const out: Buffer[] = [COPY_BINARY_HEADER];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    w.row(7).int4(r.runId).int4(r.questionId).float8Array(r.probs).float8Array(r.ll).int4(r.predicted).float8(r.confidence).bool(r.correct);
    if ((i + 1) % CHUNK === 0) out.push(w.take());
  }
  out.push(w.take(), COPY_BINARY_TRAILER);
  return out;
}

async function encodeLib(rows: Row[]): Promise<Buffer[]> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(
      (function* () {
        for (const r of rows)
          yield [
            { type: "int4", value: r.runId },
            { type: "int4", value: r.questionId },
            { type: "_float8", value: r.probs },
            { type: "_float8", value: r.ll },
            { type: "int4", value: r.predicted },
            { type: "float8", value: r.confidence },
            { type: "bool", value: r.correct },
          ];
      })(),
    ),
    rowWriter(),
    new Writable({
      write(chunk: Buffer, _e, cb) {
        out.push(chunk);
        cb();
      },
    }),
  );
  return out;
}

function decodeOurs(chunks: Buffer[]): Row[] {
  const rows: Row[] = [];
  const reader = new BinaryRowReader((t) => {
    const probs = new Float64Array(t.arrayLength(2));
    t.float8Elements(2, probs, 0);
    let ll: number[] | null = null;
    if (!t.isNull(3)) {
      const a = new Float64Array(t.arrayLength(3));
      t.float8Elements(3, a, 0);
      ll = Array.from(a);
    }
    rows.push({ runId: t.int4(0), questionId: t.int4(1), probs: Array.from(probs), ll, predicted: t.int4(4), confidence: t.float8(5), correct: t.bool(6) });
  });
  for (const c of chunks) reader.push(c);
  reader.end();
  return rows;
}

async function decodeLib(chunks: Buffer[]): Promise<Row[]> {
  const rows: Row[] = [];
  const mapping = [
    { key: "runId", type: "int4" },
    { key: "questionId", type: "int4" },
    { key: "probs", type: "_float8" },
    { key: "ll", type: "_float8" },
    { key: "predicted", type: "int4" },
    { key: "confidence", type: "float8" },
    { key: "correct", type: "bool" },
  ];
  await pipeline(
    Readable.from(chunks),
    rowReader({ mapping }),
    new Writable({
      objectMode: true,
      write(row: Row, _e, cb) {
        rows.push(row);
        cb();
      },
    }),
  );
  return rows;
}

async function timed<T>(f: () => T | Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await f();
  return [v, (performance.now() - t) / 1000];
}

async function main() {
  const rows = makeRows(N);
  // A warm-up pass of each on a slice, so that neither pays the JIT alone.
  const warm = rows.slice(0, Math.min(N, 5000));
  decodeOurs(encodeOurs(warm));
  await decodeLib(await encodeLib(warm));

  const [ours, encOurs] = await timed(() => encodeOurs(rows));
  const [lib, encLib] = await timed(() => encodeLib(rows));
  const a = Buffer.concat(ours);
  const b = Buffer.concat(lib);
  if (!a.equals(b)) throw new Error(`the two encoders differ (${a.length} vs ${b.length} bytes)`);

  const [back, decOurs] = await timed(() => decodeOurs(ours));
  const [backLib, decLib] = await timed(() => decodeLib(ours));
  const same = JSON.stringify(back) === JSON.stringify(rows) && JSON.stringify(backLib) === JSON.stringify(rows);
  if (!same) throw new Error("a decoder did not give the rows back");

  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  console.log(
    JSON.stringify({
      bench: "copy-binary",
      n: N,
      encode_ours_s: r3(encOurs),
      encode_lib_s: r3(encLib),
      encode_speedup: Math.round((encLib / encOurs) * 10) / 10,
      decode_ours_s: r3(decOurs),
      decode_lib_s: r3(decLib),
      decode_speedup: Math.round((decLib / decOurs) * 10) / 10,
      identical: true,
      load_avg: Math.round(loadavg()[0] * 10) / 10,
    }),
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

/**
 * Hostile-input corpus: crafted files for every import format, each with the refusal it must get. Shared by the
 * CLI suite (tests/int/import/hostile-input.int.test.ts) and usable as is for POST /api/imports: every case has
 * the bytes, the name a client would upload it under, the extra import options, and the expected error.
 *
 * Every case must be refused as bad input (CLI exit 2 / HTTP 4xx) with a message naming the file and, where given,
 * the line and field, quickly, and without changing the database. Cases in ACCEPTED_HOSTILE must import fine.
 */
import { gzipSync } from "node:zlib";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface HostileCase {
  /** Unique kind name (also the test name). */
  kind: string;
  /** File name on disk, and as shown in errors (the CLI shows the base name). */
  file: string;
  /** Name a client uploads it under (differs from `file` only for the path-traversal case). */
  uploadName: string;
  content: Buffer;
  /** Extra `calib import` flags (the API form fields of the same name). */
  flags?: string[];
  /** Substring the error message must contain. */
  expect: string;
  /** Line the message must name (`file:line`); omitted for whole-file errors. */
  line?: number;
  /** Field the message must name (`field "x"`). */
  field?: string;
  /** TOO_LARGE (HTTP 413) instead of BAD_INPUT (400); both exit 2. */
  tooLarge?: boolean;
}

const b = (s: string) => Buffer.from(s, "utf8");
const jsonl = (...rows: unknown[]) => b(rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n");
const row = (o: Record<string, unknown> = {}) => ({ id: "hq1", language: "de", label: 0, probs: [0.5, 0.5], ...o });
const CSV_HEADER = "id,language,label,p_0,p_1\n";

/** A valid lm-eval sample with `k` choices; `o` overrides fields. */
function lmSample(k: number, o: Record<string, unknown> = {}) {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return {
    doc_id: 0,
    doc: { question_id: 1, question: "Q?", options: Array.from({ length: k }, (_, i) => `opt ${letters[i]}`) },
    target: 0,
    arguments: Array.from({ length: k }, (_, i) => ["ctx", ` ${letters[i]}`]),
    resps: Array.from({ length: k }, (_, i) => [[String(-1 - i), "False"]]),
    ...o,
  };
}
const LM_FILE = "samples_global_mmlu_full_de_x_2024-11-30T10-15-42.381204.jsonl";

/** Deterministic pseudo-random bytes (xorshift), so the garbage case fails the same way every run. */
function garbage(n: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Default ATLAS_IMPORT_MAX_LINE_BYTES (16 MiB): the huge-line case is one byte over it. */
const MAX_LINE = 16 * 1024 * 1024;

function cases(): HostileCase[] {
  const c = (x: Omit<HostileCase, "uploadName"> & { uploadName?: string }): HostileCase => ({ uploadName: x.file, ...x });
  return [
    // Format detection
    c({ kind: "redos-csv-header", file: "upload.txt", content: b("a" + ',"'.repeat(40) + "!\n"), expect: "cannot detect the format", line: 1 }),
    c({ kind: "redos-csv-header-82-bytes", file: "upload.dat", content: b("a" + ',"'.repeat(40) + "\n"), expect: "cannot detect the format", line: 1 }),
    c({ kind: "empty-file", file: "empty.jsonl", content: b(""), expect: "empty file" }),
    c({ kind: "blank-lines-only", file: "blank.jsonl", content: b("\n  \n\t\n"), expect: "empty file" }),
    c({ kind: "binary-garbage", file: "garbage.jsonl", content: garbage(4096), expect: "invalid UTF-8", line: 1, field: "encoding" }),
    c({ kind: "wrong-extension-zip", file: "scores.xlsx", content: Buffer.concat([b("PK\x03\x04"), garbage(64, 7)]), expect: "invalid UTF-8", line: 1 }),
    c({ kind: "gzip-input", file: "scores.jsonl.gz", content: gzipSync(jsonl(row())), expect: "invalid UTF-8", line: 1 }),
    // Encodings
    c({ kind: "invalid-utf8", file: "latin1.jsonl", content: Buffer.concat([jsonl(row()), b('{"id": "q2", "question": "caf'), Buffer.from([0xe9]), b('"}\n')]), expect: "invalid UTF-8 (0xe9", line: 2, field: "encoding" }),
    c({ kind: "encoded-surrogate-utf8", file: "cesu.jsonl", content: Buffer.concat([b('{"id": "q'), Buffer.from([0xed, 0xa0, 0x80]), b('"}\n')]), expect: "invalid UTF-8", line: 1 }),
    c({ kind: "utf16-with-bom", file: "utf16.jsonl", content: Buffer.from("\uFEFF" + JSON.stringify(row()) + "\n", "utf16le"), expect: "invalid UTF-8", line: 1 }),
    c({ kind: "bom-inside-file", file: "bom.jsonl", content: b(JSON.stringify(row()) + "\n\uFEFF" + JSON.stringify(row({ id: "hq2" })) + "\n"), expect: "malformed JSON", line: 2 }),
    c({ kind: "double-bom", file: "bom2.jsonl", content: b("\uFEFF\uFEFF" + JSON.stringify(row()) + "\n"), expect: "malformed JSON", line: 1 }),
    c({ kind: "nul-in-json-text", file: "nul.jsonl", content: jsonl(row({ question: "a\u0000b" })), expect: "contains a NUL", line: 1, field: "question" }),
    // A NUL between JSON tokens: JSON.parse's message quotes it, and the API job must still record that error.
    c({ kind: "nul-between-json-tokens", file: "nul2.jsonl", content: b(JSON.stringify(row()).replace(":", ":\u0000") + "\n"), expect: "malformed JSON", line: 1 }),
    c({ kind: "raw-nul-byte-in-csv-id", file: "nul.csv", content: b(CSV_HEADER + "q\u00001,de,0,0.5,0.5\n"), expect: "contains a NUL", line: 2, field: "id" }),
    c({ kind: "lone-surrogate-option", file: "sur.jsonl", content: jsonl('{"id": "q1", "language": "de", "label": 0, "probs": [0.5, 0.5], "options": ["ok", "bad\\ud800"]}'), expect: "lone UTF-16 surrogate", line: 1, field: "options" }),
    // Sizes
    c({ kind: "options-100k", file: "wide.jsonl", content: jsonl(row({ probs: Array.from({ length: 100_000 }, (_, i) => (i === 0 ? 1 : 0)) })), expect: "100000 options: at most 26", line: 1, field: "options" }),
    c({ kind: "csv-100k-option-columns", file: "wide.csv", content: b(`id,language,label,${Array.from({ length: 100_000 }, (_, i) => `p_${i}`).join(",")}\nq1,de,0,1${",0".repeat(99_999)}\n`), expect: "100000 options: at most 26", line: 2 }),
    c({ kind: "options-27", file: "o27.jsonl", content: jsonl(row({ probs: Array.from({ length: 27 }, (_, i) => (i === 0 ? 1 : 0)) })), expect: "27 options: at most 26", line: 1 }),
    c({ kind: "huge-line", file: "huge.jsonl", content: Buffer.concat([b('{"id": "'), Buffer.alloc(MAX_LINE, "x"), b('"}\n')]), expect: "line longer than", line: 1, tooLarge: true }),
    c({ kind: "external-id-2800-bytes", file: "longid.jsonl", content: jsonl(row({ id: "x".repeat(2800) })), expect: "id is 2800 bytes: at most 512", line: 1, field: "id" }),
    c({ kind: "deeply-nested-json", file: "deep.jsonl", content: b('{"id": ' + "[".repeat(200_000) + "]".repeat(200_000) + ', "language": "de", "label": 0, "probs": [0.5, 0.5]}\n'), expect: "id must be a string or a number", line: 1, field: "id" }),
    c({ kind: "gigantic-number-string", file: "bignum.jsonl", content: jsonl(row({ probs: ["1" + "0".repeat(100_000), "0"] })), expect: "not a finite number", line: 1, field: "probs" }),
    c({ kind: "gigantic-json-number", file: "bignum2.jsonl", content: b('{"id": "q1", "language": "de", "label": 0, "probs": [1e999, 0]}\n'), expect: "not a finite number", line: 1, field: "probs" }),
    // Numbers
    c({ kind: "nan-probability", file: "nan.jsonl", content: b('{"id": "q1", "language": "de", "label": 0, "probs": [NaN, 1]}\n'), expect: "NaN/Infinity", line: 1 }),
    c({ kind: "infinity-logprob-csv", file: "inf.csv", content: b("id,language,label,logprobs\nq1,de,0,[-inf;-0.1]\n"), expect: "not a finite number", line: 2, field: "logprobs" }),
    c({ kind: "negative-probability", file: "neg.jsonl", content: jsonl(row({ probs: [-0.5, 1.5] })), expect: "negative probability", line: 1, field: "probs" }),
    c({ kind: "probability-above-one", file: "big.jsonl", content: jsonl(row({ probs: [1.0000005, 0] })), expect: "above 1", line: 1, field: "probs" }),
    c({ kind: "probabilities-not-summing", file: "sum.jsonl", content: jsonl(row({ probs: [0.5, 0.6] })), expect: "probabilities sum to", line: 1, field: "probs" }),
    c({ kind: "option-text-count-mismatch", file: "mis.jsonl", content: jsonl(row({ options: ["a", "b", "c"] })), expect: "3 option texts but 2 scores", line: 1, field: "options" }),
    c({ kind: "lm-eval-arguments-mismatch", file: LM_FILE, content: jsonl(lmSample(4), lmSample(4, { doc_id: 1, resps: [[["-1", "False"]], [["-2", "False"]], [["-3", "False"]]] })), expect: "4 arguments but 3 responses", line: 2, field: "arguments" }),
    c({ kind: "lm-eval-text-responses", file: LM_FILE, content: jsonl(lmSample(2, { resps: [[["The answer is A"]], [["B"]]] })), expect: "response is text", line: 1, field: "resps" }),
    c({ kind: "label-out-of-range", file: "label.jsonl", content: jsonl(row({ label: 7 })), expect: "out of range for 2 options", line: 1, field: "label" }),
    c({ kind: "unknown-language", file: "lang.jsonl", content: jsonl(row({ language: "klingon" })), expect: "unknown language", line: 1, field: "language" }),
    c({ kind: "mixed-score-kinds", file: "kinds.jsonl", content: jsonl(row(), { id: "q2", language: "de", label: 0, logits: [1, 2] }), expect: "use one kind of score per file", line: 2 }),
    // Structure
    c({ kind: "duplicate-rows", file: "dup.jsonl", content: jsonl(row(), row({ id: "hq2" }), row()), expect: 'duplicate id "hq1"', line: 3, field: "id" }),
    c({ kind: "truncated-file", file: "trunc.jsonl", content: b(JSON.stringify(row()) + "\n" + JSON.stringify(row({ id: "hq2" })).slice(0, 25)), expect: "malformed JSON", line: 2 }),
    c({ kind: "csv-unbalanced-quotes", file: "quote.csv", content: b(CSV_HEADER + 'q1,de,0,0.5,0.5\n"q2,de,0,0.5,0.5\nq3,de,0,0.5,0.5\n'), expect: "unterminated quoted field", line: 3 }),
    c({ kind: "csv-quote-in-unquoted-field", file: "quote2.csv", content: b(CSV_HEADER + 'q"1,de,0,0.5,0.5\n'), expect: "unexpected quote inside an unquoted field", line: 2 }),
    c({ kind: "csv-field-count", file: "fields.csv", content: b(CSV_HEADER + "q1,de,0,0.5,0.5,extra\n"), expect: "6 fields but the header has 5", line: 2 }),
    c({ kind: "cr-only-line-endings", file: "mac.csv", content: b(CSV_HEADER.replace("\n", "\r") + "q1,de,0,0.5,0.5\rq2,de,1,0.5,0.5\r"), expect: "empty file: no data rows" }), // one long header line
    c({ kind: "plaut-bad-number", file: "plaut.txt", content: b("grade confidence_levels\nCorrect 0.5,0.5\nWrong 0.1,abc\n"), expect: 'not a number: "abc"', line: 3, field: "confidence_levels" }),
    c({ kind: "plaut-sum-above-one", file: "plaut2.txt", content: b("grade confidence_levels\nCorrect 0.9,0.9\n"), expect: "> 1", line: 2, field: "confidence_levels" }),
    // Names: the uploaded name must never be used as a path; errors show the base name only.
    c({ kind: "path-traversal-name", file: "evil.jsonl", uploadName: "../../../../tmp/evil.jsonl", content: jsonl(row({ label: 9 })), expect: "out of range", line: 1, field: "label" }),
  ];
}

export const HOSTILE_CASES: readonly HostileCase[] = cases();

/**
 * Inputs that look hostile but are valid and must import unchanged: spreadsheet formulas in ids, text and names
 * (exports neutralise them: lib/csv-cell.ts), mixed CRLF/LF line ends, a leading UTF-8 byte-order mark.
 */
export const FORMULA_ID = "=HYPERLINK(\"http://evil.example\",\"click\")";
export const ACCEPTED_HOSTILE: readonly HostileCase[] = [
  {
    kind: "formula-injection-cells",
    file: "formula.jsonl",
    uploadName: "formula.jsonl",
    content: jsonl(
      row({ id: FORMULA_ID, question: "+1+cmd|' /C calc'!A0", subject: "@SUM(A1)", options: ["-2+3", "\t=1"] }),
      row({ id: "-0.5", language: "de" }),
    ),
    expect: "",
  },
  {
    kind: "crlf-lf-mix-and-bom",
    file: "mixed.csv",
    uploadName: "mixed.csv",
    content: b("\uFEFF" + CSV_HEADER.replace("\n", "\r\n") + "q1,de,0,0.5,0.5\nq2,de,1,0.25,0.75\r\n"),
    expect: "",
  },
];

/** Writes every case under `dir` (one sub-directory per case, so equal file names never collide); returns the paths. */
export function writeCorpus(dir: string, list: readonly HostileCase[] = HOSTILE_CASES): Map<string, string> {
  const out = new Map<string, string>();
  for (const k of list) {
    const sub = path.join(dir, k.kind);
    mkdirSync(sub, { recursive: true });
    const p = path.join(sub, k.file);
    writeFileSync(p, k.content);
    out.set(k.kind, p);
  }
  return out;
}

/**
 * A scan of the common scores-JSONL line — one flat object whose keys are all ones the format reads and whose values
 * are strings without escapes, numbers, or arrays of numbers:
 *   {"id": "q1", "language": "de", "probs": [0.1, 0.7, 0.1, 0.1], "label": 1}
 * into a reused object of fixed shape, without JSON.parse's per-line object (and its hidden-class transitions). On a
 * 1M-row import JSON.parse was the largest share of Node's time, which the importer spends while Postgres stores rows.
 *
 * The scan never decides anything JSON.parse would decide differently: it accepts only a strict subset of JSON, and
 * gives up (returns false) at anything else — an escape, a control character, a nested object, true/false/null, an
 * unknown or repeated key, trailing text — so that the caller parses that line with JSON.parse, which then says what is
 * wrong with it. Values are JSON.parse's: strings are the characters between the quotes; a number of at most 15
 * significant digits and at most 22 decimals is m / 10^d (m and 10^d exact doubles, one correctly rounded division:
 * the correctly rounded value, as JSON.parse gives), any other number goes through Number(), which rounds correctly.
 * scores-line-scan.test.ts compares the two on generated and malformed lines.
 */

/** The keys scores-jsonl.ts reads (scores, id, language, label, subject, text, slice fields), in slot order. */
export const SCAN_KEYS = [
  "id",
  "question_id",
  "sample_id",
  "doc_id",
  "language",
  "lang",
  "probs",
  "logprobs",
  "logits",
  "label",
  "gold",
  "answer_index",
  "answer",
  "subject",
  "category",
  "question",
  "text",
  "subject_category",
  "cultural_sensitivity_label",
  "src",
] as const;

export type ScanKey = (typeof SCAN_KEYS)[number];
export type ScannedValue = string | number | number[] | undefined;
/** One line's object: every key present, undefined where the line does not give it. */
export type ScannedLine = Record<ScanKey, ScannedValue>;

/**
 * A reusable object with every key, as one literal: fast properties of one hidden class. (Added one by one through
 * computed keys, V8 turns an object of this many properties into a dictionary, and every access costs a lookup.)
 */
export function scannedLine(): ScannedLine {
  return {
    id: undefined,
    question_id: undefined,
    sample_id: undefined,
    doc_id: undefined,
    language: undefined,
    lang: undefined,
    probs: undefined,
    logprobs: undefined,
    logits: undefined,
    label: undefined,
    gold: undefined,
    answer_index: undefined,
    answer: undefined,
    subject: undefined,
    category: undefined,
    question: undefined,
    text: undefined,
    subject_category: undefined,
    cultural_sensitivity_label: undefined,
    src: undefined,
  };
}

/** Every slot undefined (named stores, as in put). */
function clear(o: ScannedLine): void {
  o.id = o.question_id = o.sample_id = o.doc_id = o.language = o.lang = o.probs = o.logprobs = o.logits = undefined;
  o.label = o.gold = o.answer_index = o.answer = o.subject = o.category = o.question = o.text = undefined;
  o.subject_category = o.cultural_sensitivity_label = o.src = undefined;
}

/** Sets slot `slot` of `o` (a named store per key: keyed stores with computed names cost more than the parse). */
function put(o: ScannedLine, slot: number, v: ScannedValue): void {
  switch (slot) {
    case 0: o.id = v; break;
    case 1: o.question_id = v; break;
    case 2: o.sample_id = v; break;
    case 3: o.doc_id = v; break;
    case 4: o.language = v; break;
    case 5: o.lang = v; break;
    case 6: o.probs = v; break;
    case 7: o.logprobs = v; break;
    case 8: o.logits = v; break;
    case 9: o.label = v; break;
    case 10: o.gold = v; break;
    case 11: o.answer_index = v; break;
    case 12: o.answer = v; break;
    case 13: o.subject = v; break;
    case 14: o.category = v; break;
    case 15: o.question = v; break;
    case 16: o.text = v; break;
    case 17: o.subject_category = v; break;
    case 18: o.cultural_sensitivity_label = v; break;
    default: o.src = v;
  }
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact doubles up to 1e22

// Plain functions over (text, index) with module-level results, no cursor object or per-line closure: the scan costs
// about half of JSON.parse this way, a cursor class with the same steps cost as much as JSON.parse.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * Numbers as numberAt reads them: those of the array being read (its copy is the value), or a lone number at 0.
 * Doubles from the start: one elements kind throughout.
 */
const scratch: number[] = [0.5];

/** Past JSON whitespace, up to `end`. */
function wsAt(s: string, i: number, end: number): number {
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
  }
  return i;
}

/**
 * After an opening quote: the index of the closing quote before `end`, or -1 to give up (an escape, a control
 * character, no end).
 */
function stringEnd(s: string, i: number, end: number): number {
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < 0x20) return -1;
  }
  return -1;
}

/**
 * Reads the JSON number at i into scratch[at] and returns where it ends, or -1 (giving up) where the text is not one.
 * The value goes to the double array and the function returns an integer: a double returned from a call that is not
 * inlined is boxed, a number object per value (4M per bench:ingest import). It reads while it sees a number's
 * characters, so it can run past the line's end only into a number: the caller checks the end it returns.
 */
function numberAt(s: string, i: number, at: number): number {
  const start = i;
  const negative = s.charCodeAt(i) === MINUS;
  if (negative) i++;
  // One pass: the digits' value m (exact while below 2^53: at most 15 significant digits), their count past the
  // leading zeros, and the decimals.
  let m = 0;
  let digits = 0;
  let decimals = 0;
  let c = s.charCodeAt(i);
  if (c === ZERO) {
    c = s.charCodeAt(++i);
    if (c >= ZERO && c <= NINE) return -1; // a leading zero
  } else if (c > ZERO && c <= NINE) {
    do {
      m = m * 10 + (c - ZERO);
      digits++;
      c = s.charCodeAt(++i);
    } while (c >= ZERO && c <= NINE);
  } else return -1;
  if (c === DOT) {
    c = s.charCodeAt(++i);
    if (!(c >= ZERO && c <= NINE)) return -1;
    do {
      m = m * 10 + (c - ZERO);
      if (digits > 0 || c !== ZERO) digits++;
      decimals++;
      c = s.charCodeAt(++i);
    } while (c >= ZERO && c <= NINE);
  }
  if (c === 0x65 || c === 0x45) {
    // An exponent: valid JSON, rare here; Number() rounds it as JSON.parse does.
    c = s.charCodeAt(++i);
    if (c === 0x2b || c === MINUS) c = s.charCodeAt(++i);
    if (!(c >= ZERO && c <= NINE)) return -1;
    do c = s.charCodeAt(++i);
    while (c >= ZERO && c <= NINE);
    scratch[at] = Number(s.slice(start, i));
    return i;
  }
  if (digits > 15 || decimals > 22) scratch[at] = Number(s.slice(start, i));
  else {
    const v = decimals > 0 ? m / POW10[decimals] : m;
    scratch[at] = negative ? -v : v;
  }
  return i;
}

/** The slot of the key text[start, start + length), or -1 for a key the format does not read. */
function slotOf(s: string, start: number, length: number): number {
  switch (length) {
    case 2:
      return s.startsWith("id", start) ? 0 : -1;
    case 3:
      return s.startsWith("src", start) ? 19 : -1;
    case 4:
      return s.startsWith("lang", start) ? 5 : s.startsWith("gold", start) ? 10 : s.startsWith("text", start) ? 16 : -1;
    case 5:
      return s.startsWith("probs", start) ? 6 : s.startsWith("label", start) ? 9 : -1;
    case 6:
      return s.startsWith("logits", start) ? 8 : s.startsWith("doc_id", start) ? 3 : s.startsWith("answer", start) ? 12 : -1;
    case 7:
      return s.startsWith("subject", start) ? 13 : -1;
    case 8:
      return s.startsWith("language", start)
        ? 4
        : s.startsWith("logprobs", start)
          ? 7
          : s.startsWith("category", start)
            ? 14
            : s.startsWith("question", start)
              ? 15
              : -1;
    case 9:
      return s.startsWith("sample_id", start) ? 2 : -1;
    case 11:
      return s.startsWith("question_id", start) ? 1 : -1;
    case 12:
      return s.startsWith("answer_index", start) ? 11 : -1;
    case 16:
      return s.startsWith("subject_category", start) ? 17 : -1;
    case 26:
      return s.startsWith("cultural_sensitivity_label", start) ? 18 : -1;
    default:
      return -1;
  }
}

/**
 * Scans `text` into `o` (every slot reset first). False when the line is not of the simple shape: `o` is then
 * meaningless and the caller parses the line with JSON.parse.
 */
export function scanScoresLine(s: string, o: ScannedLine): boolean {
  return scanScoresRange(s, 0, s.length, o);
}

/**
 * scanScoresLine of the line text[start, end) without slicing it out: the import's reader hands whole runs of lines
 * as one flat string (lines.ts), whose characters V8 reads faster than those of a slice of it (a sliced string is
 * unwrapped on every charCodeAt) — ~500 against ~700 ns for a bench:ingest line. Nothing at or past `end` is read
 * into the result: every step is bounded by it, and a number running past it fails the scan.
 */
export function scanScoresRange(s: string, start: number, end: number, o: ScannedLine): boolean {
  clear(o);
  let i = wsAt(s, start, end);
  if (i === end || s.charCodeAt(i) !== 0x7b) return false; // {
  i = wsAt(s, i + 1, end);
  if (i === end) return false;
  if (s.charCodeAt(i) === 0x7d) return wsAt(s, i + 1, end) === end; // {}
  let seen = 0;
  for (;;) {
    if (i === end || s.charCodeAt(i) !== QUOTE) return false;
    const keyEnd = stringEnd(s, i + 1, end);
    if (keyEnd < 0) return false;
    const slot = slotOf(s, i + 1, keyEnd - i - 1);
    if (slot < 0 || (seen & (1 << slot)) !== 0) return false; // a key the format does not read, or a repeated one
    seen |= 1 << slot;
    i = wsAt(s, keyEnd + 1, end);
    if (i === end || s.charCodeAt(i) !== COLON) return false;
    // The value: a string, a number or an array of numbers (inline: a helper returning both the value and its end
    // would need an object or a module variable holding objects).
    i = wsAt(s, i + 1, end);
    if (i === end) return false;
    const first = s.charCodeAt(i);
    if (first === QUOTE) {
      const close = stringEnd(s, i + 1, end);
      if (close < 0) return false;
      put(o, slot, s.slice(i + 1, close));
      i = close + 1;
    } else if (first === 0x5b) {
      // [ … ]: read into the scratch array, then copied at its length (an array grown by push holds 17 slots for 4)
      let n = 0;
      i = wsAt(s, i + 1, end);
      if (i === end) return false;
      if (s.charCodeAt(i) === 0x5d) i++;
      else
        for (;;) {
          const after = numberAt(s, i, n++);
          if (after < 0 || after > end) return false; // not a number
          i = wsAt(s, after, end);
          if (i === end) return false;
          const next = s.charCodeAt(i);
          i = wsAt(s, i + 1, end);
          if (next === 0x5d) break;
          if (next !== COMMA) return false;
        }
      put(o, slot, scratch.slice(0, n));
    } else {
      const after = numberAt(s, i, 0);
      if (after < 0 || after > end) return false;
      put(o, slot, scratch[0]);
      i = after;
    }
    i = wsAt(s, i, end);
    if (i === end) return false;
    const next = s.charCodeAt(i);
    if (next === 0x7d) return wsAt(s, i + 1, end) === end; // }
    if (next !== COMMA) return false;
    i = wsAt(s, i + 1, end);
  }
}

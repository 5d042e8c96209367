/**
 * log p(token | position) for many (logits row, token ids) requests in one onnxruntime pass (LogSoftmax +
 * GatherElements over the rows, see log-softmax-graph.ts), instead of a JavaScript loop of exp() over the
 * whole vocabulary per row — on CPU that loop was most of the scorers' own time.
 *
 * Precision: the log-softmax runs in float32, as lm-evaluation-harness's torch.log_softmax does on float32
 * logits: within ~2e-6 of a float64 log-softmax of the same logits (the logits themselves carry float32
 * rounding). Callers add the per-token values up in float64.
 */
import * as ort from "onnxruntime-node";
import { logSoftmaxGatherModel } from "./log-softmax-graph";

export interface LogProbRequest {
  /** Logits of a forward pass, row-major. */
  logits: Float32Array;
  /** Start of the row (a position's `vocab` logits) in `logits`. */
  offset: number;
  /** Token ids whose log-probabilities are wanted at that position (at least one). */
  ids: readonly number[];
}

let session: Promise<ort.InferenceSession> | null = null;

/** The CPU session of the tiny graph, created on first use (it is independent of any model). */
function logSoftmaxSession(): Promise<ort.InferenceSession> {
  // One thread, no thread pool: a second pool of spinning threads would compete with the model's own for the cores.
  session ??= ort.InferenceSession.create(logSoftmaxGatherModel(), {
    executionProviders: ["cpu"],
    graphOptimizationLevel: "all",
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  return session;
}

/**
 * For each request, log-softmax(row)[id] for its ids, in order. Requests on the same logits array share one pass:
 * over a view of the rows they span when those are mostly wanted (continuation: consecutive option tokens), else
 * over a copy of just the wanted rows (letter: one row at the end of each prompt).
 */
export async function logProbsAt(vocab: number, requests: readonly LogProbRequest[]): Promise<number[][]> {
  const out = requests.map((r) => new Array<number>(r.ids.length));
  const groups = new Map<Float32Array, number[]>();
  requests.forEach((r, i) => {
    if (r.ids.length === 0) throw new Error("a log-probability request needs at least one token id");
    if (r.offset < 0 || r.offset % vocab !== 0 || r.offset + vocab > r.logits.length)
      throw new Error(`logits row at ${r.offset} is not a row of the ${r.logits.length} logits (vocabulary ${vocab})`);
    for (const id of r.ids) if (!Number.isInteger(id) || id < 0 || id >= vocab) throw new Error(`token id ${id} outside the logits (vocabulary ${vocab})`);
    const g = groups.get(r.logits);
    if (g) g.push(i);
    else groups.set(r.logits, [i]);
  });
  const s = await logSoftmaxSession();
  for (const [logits, members] of groups) {
    // The wanted rows (logits row index → the (request, slot, id) triples read from it), in row order.
    const wanted = new Map<number, { request: number; slot: number; id: number }[]>();
    for (const i of members) {
      const row = requests[i].offset / vocab;
      const list = wanted.get(row) ?? [];
      requests[i].ids.forEach((id, slot) => list.push({ request: i, slot, id }));
      wanted.set(row, list);
    }
    const rowIds = [...wanted.keys()].sort((a, b) => a - b);
    const first = rowIds[0];
    const span = rowIds[rowIds.length - 1] - first + 1;
    const useView = span <= 2 * rowIds.length;
    const rows = useView ? span : rowIds.length;
    const position = (row: number, k: number) => (useView ? row - first : k);
    let input: Float32Array;
    if (useView) input = logits.subarray(first * vocab, (first + span) * vocab);
    else {
      input = new Float32Array(rows * vocab);
      rowIds.forEach((row, k) => input.set(logits.subarray(row * vocab, (row + 1) * vocab), k * vocab));
    }
    // GatherElements wants a rectangle: unused slots (and rows of the span nobody asked for) repeat a valid id.
    const k = Math.max(...[...wanted.values()].map((l) => l.length));
    const ids = new BigInt64Array(rows * k);
    rowIds.forEach((row, n) => {
      const list = wanted.get(row)!;
      const at = position(row, n);
      for (let j = 0; j < k; j++) ids[at * k + j] = BigInt(list[Math.min(j, list.length - 1)].id);
    });
    const result = await s.run({
      logits: new ort.Tensor("float32", input, [rows, vocab]),
      ids: new ort.Tensor("int64", ids, [rows, k]),
    });
    const values = result.out.data as Float32Array;
    rowIds.forEach((row, n) => {
      const at = position(row, n);
      wanted.get(row)!.forEach((e, j) => (out[e.request][e.slot] = values[at * k + j]));
    });
  }
  return out;
}

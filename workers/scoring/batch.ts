/**
 * Packing token sequences of different lengths into one rectangular batch. Right padding puts the tokens at
 * positions 0..n-1 of every row, so it is right for every export, including those without a position_ids
 * input (they count positions themselves). Left padding aligns every row's last token in the last column,
 * and so needs explicit position ids that start at 0 on each row's first real token.
 */
import type { ForwardBatch, KvCache } from "../model";

export type Padding = "right" | "left";

export interface PackedBatch extends ForwardBatch {
  /** Column of each row's first real (non-padding) token. */
  starts: number[];
}

/**
 * @param rows token ids per row (each non-empty)
 * @param pastLength cached positions shared by every row (all real): the mask covers them, positions follow them
 */
export function packBatch(rows: readonly (readonly number[])[], padding: Padding, padId: number, past?: KvCache): PackedBatch {
  const batch = rows.length;
  const pastLength = past?.length ?? 0;
  const seq = Math.max(...rows.map((r) => r.length));
  const width = pastLength + seq;
  const inputIds = new BigInt64Array(batch * seq).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(batch * width);
  const positionIds = new BigInt64Array(batch * seq);
  const starts: number[] = [];
  rows.forEach((row, r) => {
    const start = padding === "left" ? seq - row.length : 0;
    starts.push(start);
    for (let j = 0; j < pastLength; j++) attentionMask[r * width + j] = 1n;
    for (let j = 0; j < seq; j++) {
      const real = j >= start && j < start + row.length;
      if (real) {
        inputIds[r * seq + j] = BigInt(row[j - start]);
        attentionMask[r * width + pastLength + j] = 1n;
      }
      // Padding keeps a valid position id (onnxruntime gathers position embeddings for it too): after the last
      // real token for right padding, 0 for left padding. Its output is never read.
      positionIds[r * seq + j] = BigInt(pastLength + (real || padding === "right" ? j - start : 0));
    }
  });
  return { batch, seq, inputIds, attentionMask, positionIds, past, starts };
}

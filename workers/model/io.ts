/**
 * The input/output contract of an optimum ONNX export, read from the session itself rather than assumed:
 * `input_ids`, `attention_mask`, optional `position_ids`, and for "with past" exports one
 * `past_key_values.{i}.key/value` input and `present.{i}.key/value` output per layer (the KV cache).
 */
import type { SessionLike } from "./session";
import { badInput } from "../../lib/errors";

export interface KvLayerNames {
  key: string;
  value: string;
  presentKey: string;
  presentValue: string;
}

export interface SessionIo {
  hasPositionIds: boolean;
  /** optimum's older merged decoders switch between their two branches with a boolean input. */
  hasUseCacheBranch: boolean;
  /** One entry per layer, in layer order; empty for exports without a KV cache. */
  layers: KvLayerNames[];
  pastType: "float32" | "float16";
  /** [kv heads, head dim] of a past tensor, from the session when it gives numbers, else from config.json. */
  kvHeads: number;
  headDim: number;
  logitsName: string;
}

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;
const KNOWN_INPUTS = new Set(["input_ids", "attention_mask", "position_ids", "use_cache_branch"]);

export function describeSessionIo(session: Pick<SessionLike, "inputNames" | "outputNames" | "inputMetadata">, fallback: { kvHeads: number; headDim: number }, file: string): SessionIo {
  const inputs = session.inputNames;
  for (const name of ["input_ids", "attention_mask"]) {
    if (!inputs.includes(name)) throw badInput(`ONNX model has no "${name}" input (inputs: ${inputs.join(", ")})`, { file });
  }
  const unknown = inputs.filter((n) => !KNOWN_INPUTS.has(n) && !PAST.test(n));
  if (unknown.length) throw badInput(`ONNX model has inputs this worker cannot feed: ${unknown.join(", ")}`, { file });
  const logitsName = session.outputNames.includes("logits") ? "logits" : null;
  if (!logitsName) throw badInput(`ONNX model has no "logits" output (outputs: ${session.outputNames.join(", ")})`, { file });

  const count = inputs.filter((n) => PAST.test(n)).length;
  if (count % 2) throw badInput("ONNX model has an odd number of past_key_values inputs", { file });
  const layers: KvLayerNames[] = [];
  for (let i = 0; i < count / 2; i++) {
    const key = `past_key_values.${i}.key`;
    const value = `past_key_values.${i}.value`;
    if (!inputs.includes(key) || !inputs.includes(value)) throw badInput(`ONNX model lacks ${key} or ${value}`, { file });
    const presentKey = [`present.${i}.key`, `present_key_values.${i}.key`].find((n) => session.outputNames.includes(n));
    const presentValue = [`present.${i}.value`, `present_key_values.${i}.value`].find((n) => session.outputNames.includes(n));
    if (!presentKey || !presentValue) throw badInput(`ONNX model has past_key_values.${i} inputs but no present.${i} outputs`, { file });
    layers.push({ key, value, presentKey, presentValue });
  }

  let pastType: "float32" | "float16" = "float32";
  let { kvHeads, headDim } = fallback;
  const meta = session.inputMetadata.find((m) => m.name === layers[0]?.key);
  if (meta && meta.isTensor) {
    if (meta.type !== "float32" && meta.type !== "float16") throw badInput(`past_key_values of type ${meta.type} are not supported`, { file });
    pastType = meta.type;
    if (typeof meta.shape[1] === "number") kvHeads = meta.shape[1];
    if (typeof meta.shape[3] === "number") headDim = meta.shape[3];
  }
  return {
    hasPositionIds: inputs.includes("position_ids"),
    hasUseCacheBranch: inputs.includes("use_cache_branch"),
    layers,
    pastType,
    kvHeads,
    headDim,
    logitsName,
  };
}

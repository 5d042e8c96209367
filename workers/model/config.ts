/**
 * The parts of a Hugging Face `config.json` the worker needs, read the same way for GPT-2 style configs
 * (n_layer, n_head, n_embd, n_positions) and for Llama/Mistral/Gemma style ones (num_hidden_layers,
 * num_attention_heads, num_key_value_heads, hidden_size, max_position_embeddings).
 */
import { z } from "zod";
import { badInput } from "../../lib/errors";

const positive = z.number().int().positive();
const tokenId = z.union([z.number().int().nonnegative(), z.array(z.number().int().nonnegative())]).nullish();

const RawConfig = z.object({
  model_type: z.string(),
  vocab_size: positive,
  n_layer: positive.optional(),
  num_hidden_layers: positive.optional(),
  n_head: positive.optional(),
  num_attention_heads: positive.optional(),
  num_key_value_heads: positive.optional(),
  n_embd: positive.optional(),
  hidden_size: positive.optional(),
  head_dim: positive.nullish(),
  n_positions: positive.optional(),
  max_position_embeddings: positive.optional(),
  bos_token_id: tokenId,
  eos_token_id: tokenId,
  pad_token_id: tokenId,
});

export interface ModelConfig {
  modelType: string;
  vocabSize: number;
  numLayers: number;
  numHeads: number;
  /** Heads of the KV cache: fewer than numHeads for grouped-query attention. */
  numKvHeads: number;
  headDim: number;
  hiddenSize: number;
  /** Longest sequence (past + new tokens) the model accepts; null when the config does not say. */
  maxPositions: number | null;
  bosTokenId: number | null;
  eosTokenId: number | null;
  padTokenId: number | null;
}

const first = (v: number | number[] | null | undefined): number | null => (Array.isArray(v) ? (v[0] ?? null) : (v ?? null));

export function parseModelConfig(json: unknown, file: string): ModelConfig {
  const parsed = RawConfig.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badInput(`invalid model config: ${issue.message}`, { file, field: issue.path.join(".") || undefined });
  }
  const c = parsed.data;
  const numLayers = c.n_layer ?? c.num_hidden_layers;
  const numHeads = c.n_head ?? c.num_attention_heads;
  const hiddenSize = c.n_embd ?? c.hidden_size;
  if (!numLayers) throw badInput("config has neither n_layer nor num_hidden_layers", { file, field: "n_layer" });
  if (!numHeads) throw badInput("config has neither n_head nor num_attention_heads", { file, field: "n_head" });
  if (!hiddenSize) throw badInput("config has neither n_embd nor hidden_size", { file, field: "n_embd" });
  const headDim = c.head_dim ?? hiddenSize / numHeads;
  if (!Number.isInteger(headDim)) throw badInput(`hidden size ${hiddenSize} is not a multiple of ${numHeads} heads`, { file, field: "n_head" });
  return {
    modelType: c.model_type,
    vocabSize: c.vocab_size,
    numLayers,
    numHeads,
    numKvHeads: c.num_key_value_heads ?? numHeads,
    headDim,
    hiddenSize,
    maxPositions: c.n_positions ?? c.max_position_embeddings ?? null,
    bosTokenId: first(c.bos_token_id),
    eosTokenId: first(c.eos_token_id),
    padTokenId: first(c.pad_token_id),
  };
}

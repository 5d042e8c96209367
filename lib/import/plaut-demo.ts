/**
 * Real demo data: the six Plaut et al. (2024) ARC-Challenge files in data/plaut2024 (MIT), imported as
 * three base models and their chat-tuned variants. Idempotent (each file is an ordinary import, so a
 * second call finds "already imported" runs).
 */
import path from "node:path";
import type { Db } from "./write/db";
import { importFiles, type ImportResult } from "./import-files";
import { readEnv } from "../env";

export interface PlautModel {
  file: string;
  model: string;
  base?: string;
  sft?: string;
}

export const PLAUT_BENCHMARK = "ARC-Challenge";

export const PLAUT_MODELS: readonly PlautModel[] = [
  { file: "arc__Llama3.1-8b__base.txt", model: "Llama-3.1-8B" },
  { file: "arc__Llama3.1-8b__chat.txt", model: "Llama-3.1-8B-Instruct", base: "Llama-3.1-8B", sft: "chat" },
  { file: "arc__Mistral__base.txt", model: "Mistral-7B" },
  { file: "arc__Mistral__chat.txt", model: "Mistral-7B-Instruct", base: "Mistral-7B", sft: "chat" },
  { file: "arc__Yi-6b__base.txt", model: "Yi-6B" },
  { file: "arc__Yi-6b__chat.txt", model: "Yi-6B-Chat", base: "Yi-6B", sft: "chat" },
];

/** Default: <repo>/data/plaut2024 (the process is expected to run from the repository root). */
export function plautDataDir(): string {
  return path.resolve(readEnv("ATLAS_PLAUT_DIR"));
}

export async function importPlautDemo(db: Db, dir = plautDataDir()): Promise<ImportResult[]> {
  const results: ImportResult[] = [];
  for (const m of PLAUT_MODELS) {
    results.push(
      await importFiles({
        db,
        files: [path.join(dir, m.file)],
        model: m.model,
        base: m.base,
        sft: m.sft,
        benchmark: PLAUT_BENCHMARK,
        options: 5,
        language: "en",
        format: "plaut",
      }),
    );
  }
  return results;
}

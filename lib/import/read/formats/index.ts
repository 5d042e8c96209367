import type { Format, FormatSpec } from "../record";
import { lmEval } from "./lm-eval";
import { plaut } from "./plaut";
import { scoresCsv } from "./scores-csv";
import { scoresJsonl } from "./scores-jsonl";

export const FORMAT_SPECS: Record<Format, FormatSpec> = {
  "lm-eval": lmEval,
  "scores-jsonl": scoresJsonl,
  "scores-csv": scoresCsv,
  plaut,
};

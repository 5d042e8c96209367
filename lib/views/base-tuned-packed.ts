/**
 * The base → tuned pairs as the page sends them to the browser: each language and each (family, base, tuned, label)
 * once, and per pair six integers. On the full grid's /smoothing that is 1,134 pairs — ~300 KiB as objects in the
 * page's RSC payload, ~35 KiB packed. packPairs ∘ unpackPairs is the identity (same pairs, same order).
 */
import type { BaseTunedPair } from "@/lib/db/queries/base-tuned";

export interface PackedPairs {
  /** [code, name] */
  languages: [string, string][];
  /** [family, base, tuned, tunedLabel] */
  models: [string, string, string, string][];
  /** Per pair: language index, model index, runA, runB, nA, nB. */
  rows: number[];
}

const WIDTH = 6;

export function packPairs(pairs: readonly BaseTunedPair[]): PackedPairs {
  const out: PackedPairs = { languages: [], models: [], rows: [] };
  const lang = new Map<string, number>();
  const model = new Map<string, number>();
  for (const p of pairs) {
    const lk = `${p.language}\u0000${p.languageName}`;
    let li = lang.get(lk);
    if (li === undefined) lang.set(lk, (li = out.languages.push([p.language, p.languageName]) - 1));
    const mk = [p.family, p.base, p.tuned, p.tunedLabel].join("\u0000");
    let mi = model.get(mk);
    if (mi === undefined) model.set(mk, (mi = out.models.push([p.family, p.base, p.tuned, p.tunedLabel]) - 1));
    out.rows.push(li, mi, p.runA, p.runB, p.nA, p.nB);
  }
  return out;
}

export function unpackPairs(packed: PackedPairs): BaseTunedPair[] {
  const out: BaseTunedPair[] = [];
  for (let i = 0; i < packed.rows.length; i += WIDTH) {
    const [language, languageName] = packed.languages[packed.rows[i]];
    const [family, base, tuned, tunedLabel] = packed.models[packed.rows[i + 1]];
    const [runA, runB, nA, nB] = packed.rows.slice(i + 2, i + WIDTH);
    out.push({ language, languageName, family, base, tuned, tunedLabel, runA, runB, nA, nB });
  }
  return out;
}

/**
 * How a model configuration (base, SFT dataset, label-smoothing β) is named and filtered in every view.
 * Three categories, never confused: a base model (no SFT), a tuned model with β recorded, and a tuned model
 * with NO β recorded (e.g. the chat / Instruct releases): the last is labelled by its SFT dataset alone, sits
 * off the β axis and is left out by any β filter (`?beta=base` included). Pure: shared by lib/db/queries
 * (server) and components (browser).
 */

import { formatBeta } from "../format";

export type BetaCategory = "base" | "no-beta" | "beta";

export function betaCategory(sft: string | null, smoothing: number | null): BetaCategory {
  if (sft === null) return "base";
  return smoothing === null ? "no-beta" : "beta";
}

/**
 * The value a `?beta=` filter matches: "base", a formatted β, or null for "no β recorded" (which no β filter
 * value selects).
 */
export function betaFilterKey(sft: string | null, smoothing: number | null): string | null {
  const k = betaCategory(sft, smoothing);
  return k === "base" ? "base" : k === "no-beta" ? null : formatBeta(smoothing);
}

/** True when the configuration passes a `?beta=` filter (an empty filter passes everything). */
export function passesBetaFilter(betas: readonly string[] | undefined, sft: string | null, smoothing: number | null): boolean {
  if (!betas?.length) return true;
  const key = betaFilterKey(sft, smoothing);
  return key !== null && betas.includes(key);
}

/** The configuration without the model name: "base", "chat", "OpenHermes β=0.1". */
export function configShortLabel(c: { sftDataset: string | null; smoothing: number | null }): string {
  const k = betaCategory(c.sftDataset, c.smoothing);
  if (k === "base") return "base";
  if (k === "no-beta") return c.sftDataset!;
  return `${c.sftDataset} β=${formatBeta(c.smoothing)}`;
}

/** "Mistral-7B · base", "Yi-6B-Chat · chat", "Mistral-7B · OpenHermes β=0.1". */
export function configLabel(c: { model: string; sftDataset: string | null; smoothing: number | null }): string {
  return `${c.model} · ${configShortLabel(c)}`;
}

/** The β column of tables: "base", "0.1", or "—" (tuned, no β recorded). */
export function betaCell(sft: string | null, smoothing: number | null): string {
  return betaFilterKey(sft, smoothing) ?? "—";
}

/** The configuration from a table's SFT dataset and β cell (betaCell): "base", "chat", "OpenHermes β=0.1". */
export function configFromCells(sft: string | null, beta: string): string {
  if (sft === null) return "base";
  return beta === "—" ? sft : `${sft} β=${beta}`;
}

/** A measured value resting on fewer questions than this is flagged in every view (⚠, "few questions"). */
export const FEW_QUESTIONS = 30;

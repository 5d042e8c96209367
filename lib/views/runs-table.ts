/**
 * The `/runs` view's table for its data twin and `calib report --view runs`: one row per run (newest first, as the
 * page lists them) with its provenance and progress. Source files are base names with their sha256 (listRuns has
 * already redacted paths: lib/redact.ts), errors the one-line summary, the run configuration as redacted JSON. Pure.
 */
import type { RunListItem } from "@/lib/db/queries/runs";
import type { Row } from "@/lib/view-state/data-out";

export const RUNS_COLUMNS = [
  "run_id", "benchmark", "model", "family", "sft_dataset", "beta", "status", "provenance", "scoring_method", "prompt",
  "shots", "top_label_only", "importer_version", "source_files", "source_sha256", "progress_done", "progress_total",
  "stats_languages", "stats_questions", "created_at", "started_at", "finished_at", "error", "config",
];

export function runsRows(runs: RunListItem[]): Row[] {
  return runs.map((r) => ({
    run_id: r.id,
    benchmark: r.benchmark,
    model: r.model,
    family: r.family,
    sft_dataset: r.sft,
    beta: r.beta,
    status: r.status,
    provenance: r.provenance,
    scoring_method: r.scoringMethod,
    prompt: r.prompt,
    shots: r.shots,
    top_label_only: String(r.topLabelOnly),
    importer_version: r.importerVersion,
    // ";" between files: a base name may hold spaces or commas (CSV quoting handles those), not a path separator.
    source_files: r.sourceFiles.map((f) => String(f.name ?? "")).join(";") || null,
    source_sha256: r.sourceFiles.map((f) => String(f.sha256 ?? "")).join(";") || null,
    progress_done: r.progressDone,
    progress_total: r.progressTotal,
    stats_languages: r.statsLanguages,
    stats_questions: r.statsQuestions,
    created_at: r.createdAt,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    error: r.error,
    config: Object.keys(r.config).length ? JSON.stringify(r.config) : null,
  }));
}

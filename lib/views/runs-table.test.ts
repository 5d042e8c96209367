import { describe, expect, it } from "vitest";
import type { RunListItem } from "@/lib/db/queries/runs";
import { RUNS_COLUMNS, runsRows } from "./runs-table";

const run: RunListItem = {
  id: 4, model: "M-alpaca", family: "M", sft: "Alpaca", beta: "0.1", benchmark: "B", scoringMethod: "logprobs",
  prompt: "default", shots: 0, status: "completed", provenance: "import", importKey: "k", importerVersion: "1",
  sourceFiles: [{ name: "a b.jsonl", sha256: "aa" }, { name: "c.jsonl", sha256: "cc" }], config: { renormalize: true },
  topLabelOnly: false, progressDone: 10, progressTotal: 10, error: null, createdAt: "2026-01-01T00:00:00.000Z",
  startedAt: null, finishedAt: null, statsLanguages: 2, statsQuestions: 10, splits: [],
};

describe("runs table", () => {
  it("has one row per run with every column, files and their hashes side by side", () => {
    const [r] = runsRows([run]);
    expect(Object.keys(r)).toEqual(RUNS_COLUMNS);
    expect(r).toMatchObject({ run_id: 4, source_files: "a b.jsonl;c.jsonl", source_sha256: "aa;cc", config: '{"renormalize":true}', top_label_only: "false" });
    expect(runsRows([{ ...run, sourceFiles: [], config: {} }])[0]).toMatchObject({ source_files: null, source_sha256: null, config: null });
  });
});

/**
 * `/runs` — every run with its provenance (worker or import, source files with sha256, importer version,
 * creation time, status), the live progress of queued/running runs, and cancel/delete behind the API token.
 */
import { RunsTable } from "@/components/runs/RunsTable";
import { withExpectedErrors } from "@/components/ui/expected-errors";
import { listRuns } from "@/lib/db/queries/runs";
import { listImportJobItems } from "@/lib/db/queries/import-jobs";
import { ImportJobsTable } from "@/components/runs/ImportJobsTable";
import { db } from "@/lib/db/server";
import { parseViewState, type SearchParams } from "@/lib/view-state/filters";

export const dynamic = "force-dynamic";

export default withExpectedErrors("/runs", async function RunsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const sp = await searchParams;
  const state = parseViewState(sp, { strict: true });
  const [runs, imports] = await Promise.all([
    listRuns(db(), { families: state.family }),
    listImportJobItems(db()),
  ]);
  const active = runs.filter((r) => r.status === "queued" || r.status === "running").length;
  return (
    <>
      <h1>Runs</h1>
      <p className="subtitle">
        {runs.length} run(s){active ? `, ${active} queued or running (progress updates every 2 s)` : ""}.
        Imported runs list their source files (with sha256) and importer version; worker runs their
        configuration. Cancelling stops a run&apos;s workers between batches; deleting removes a run with its
        predictions and stats.
      </p>
      {runs.length === 0 ? (
        <div className="empty" data-testid="empty">
          No runs yet. Import per-question outputs with{" "}
          <code>npm run calib -- import FILE --model NAME --benchmark GlobalMMLU</code>, or evaluate a model
          with <code>npm run calib -- evaluate</code> (the queue worker starts with <code>npm run demo</code>
          ).
        </div>
      ) : (
        <RunsTable runs={runs} />
      )}
      {imports.length > 0 && (
        <>
          <h2>API imports</h2>
          <p className="subtitle">
            Uploads to <code>POST /api/imports</code>, imported by the queue worker (the latest {imports.length}).
          </p>
          <ImportJobsTable jobs={imports} />
        </>
      )}
    </>
  );
});

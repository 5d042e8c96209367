"use client";
/**
 * API imports (POST /api/imports) on the runs page: each upload's job in the worker with its progress (bytes read,
 * rows), then its run or its error. While one is queued or running the page refreshes every 2 s, like the runs.
 */
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import type { ImportJobItem } from "@/lib/db/queries/import-jobs";

const POLL_MS = 2000;
const live = (s: string) => s === "queued" || s === "running";

export function ImportJobsTable({ jobs }: { jobs: ImportJobItem[] }) {
  const router = useRouter();
  const anyLive = jobs.some((j) => live(j.status));
  useEffect(() => {
    if (!anyLive) return;
    const t = setInterval(() => router.refresh(), POLL_MS);
    return () => clearInterval(t);
  }, [anyLive, router]);
  return (
    <div className="chart-scroll">
      <table className="data runs" data-testid="import-jobs">
        <thead>
          <tr>
            <th>Import</th>
            <th>Model</th>
            <th>Benchmark</th>
            <th>Status</th>
            <th>Progress</th>
            <th>Files</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr
              key={j.id}
              data-testid="import-job-row"
              data-status={j.status}
              className={`status-${j.status}`}
            >
              <td title={j.id}>
                <code>{j.id.slice(0, 8)}</code>
              </td>
              <td>{j.model}</td>
              <td>{j.benchmark}</td>
              <td>{j.status}</td>
              <td>
                {j.progress ? (
                  <>
                    {j.progress.phase}{" "}
                    {j.progress.bytesTotal > 0
                      ? `${Math.round((100 * j.progress.bytesRead) / j.progress.bytesTotal)}%`
                      : ""}
                    <div className="muted">{j.progress.rows.toLocaleString("en")} rows</div>
                  </>
                ) : j.runId !== null ? (
                  <>run {j.runId}</>
                ) : j.error ? (
                  <span className="error-text">{j.error}</span>
                ) : (
                  "—"
                )}
              </td>
              <td>
                {j.files.map((f) => f.name).join(", ")}
                <div className="muted">{j.files.reduce((s, f) => s + f.bytes, 0).toLocaleString("en")} B</div>
              </td>
              <td>{j.createdAt.slice(0, 19).replace("T", " ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

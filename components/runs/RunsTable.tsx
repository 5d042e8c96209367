"use client";
/**
 * Every run with its provenance; live progress of queued/running runs (polls GET /api/runs?active=1 every
 * 2 s while any is active, refreshes the page when one finishes); cancel / delete behind the API token,
 * which is typed once and kept in sessionStorage (never in the URL).
 */
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { RunListItem, SplitItem } from "@/lib/db/queries/runs";
import { toCsv } from "@/lib/charts/export";
import { ExportBar } from "@/components/ui/ExportBar";
import { configFromCells } from "@/lib/view-state/config";
import { useIsClient } from "@/components/ui/use-is-client";
import { meanRate, methodNote } from "./run-display";

/** " · chat template (multi-turn, 1a2b3c4d5e6f)" for a run scored through the model's chat template (Run.config.chat). */
function chatLabel(config: Record<string, unknown> | null): string {
  const chat = config?.chat as { mode?: string; templateHash?: string } | undefined;
  if (!chat?.mode) return "";
  return ` · chat template (${chat.mode === "multiturn" ? "multi-turn" : "single turn"}, ${String(chat.templateHash ?? "").slice(0, 12)})`;
}

export const TOKEN_KEY = "atlas-api-token";
const POLL_MS = 2000;

const subscribeStorage = (cb: () => void) => {
  window.addEventListener("storage", cb);
  window.addEventListener("atlas-token", cb);
  return () => {
    window.removeEventListener("storage", cb);
    window.removeEventListener("atlas-token", cb);
  };
};
const readToken = () => sessionStorage.getItem(TOKEN_KEY) ?? "";

function useToken(): [string, (t: string) => void] {
  const token = useSyncExternalStore(subscribeStorage, readToken, () => "");
  const set = (t: string) => {
    if (t) sessionStorage.setItem(TOKEN_KEY, t);
    else sessionStorage.removeItem(TOKEN_KEY);
    window.dispatchEvent(new Event("atlas-token"));
  };
  return [token, set];
}

const fmtTime = (iso: string | null) => (iso ? iso.replace("T", " ").slice(0, 19) + " UTC" : "—");
const fmtDuration = (s: number | null) =>
  s === null
    ? "—"
    : s < 90
      ? `${Math.round(s)} s`
      : s < 5400
        ? `${Math.round(s / 60)} min`
        : `${(s / 3600).toFixed(1)} h`;
const active = (status: string) => status === "queued" || status === "running";

function Progress({ done, total, testid }: { done: number; total: number; testid?: string }) {
  const pct = total > 0 ? Math.min(100, (100 * done) / total) : 0;
  return (
    <span
      className="progress"
      data-testid={testid}
      data-done={done}
      data-total={total}
      title={`${done} / ${total}`}
    >
      <span className="progress-bar" style={{ width: `${pct}%` }} />
      <span className="progress-text">
        {done.toLocaleString("en")} / {total.toLocaleString("en")} ({pct.toFixed(0)}%)
      </span>
    </span>
  );
}

export function RunsTable({ runs: initial }: { runs: RunListItem[] }) {
  const router = useRouter();
  const [token, setToken] = useToken();
  const [draft, setDraft] = useState("");
  const [live, setLive] = useState<Record<number, RunListItem>>({});
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const activeIds = useRef<Set<number>>(new Set());

  const runs = initial.map((r) => live[r.id] ?? r);
  const anyActive = initial.some((r) => active(r.status));

  useEffect(() => {
    if (!anyActive) return;
    let stop = false;
    activeIds.current = new Set(initial.filter((r) => active(r.status)).map((r) => r.id));
    const tick = async () => {
      try {
        const res = await fetch("/api/runs?active=1&limit=200", { cache: "no-store" });
        if (!res.ok || stop) return;
        const body = (await res.json()) as { runs: RunListItem[] };
        const now = new Set(body.runs.map((r) => r.id));
        setLive(Object.fromEntries(body.runs.map((r) => [r.id, r])));
        // A run finished (or was cancelled elsewhere): reload the list for its final state.
        if (
          [...activeIds.current].some((id) => !now.has(id)) ||
          body.runs.some((r) => !activeIds.current.has(r.id))
        )
          router.refresh();
        activeIds.current = now;
      } catch {
        // offline for a moment: try again next tick
      }
    };
    const t = setInterval(tick, POLL_MS);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, [anyActive, initial, router]);

  const act = async (run: RunListItem, action: "cancel" | "delete") => {
    if (!token) {
      setMessage({ kind: "error", text: "Enter the API token (ATLAS_API_TOKEN) first." });
      return;
    }
    if (
      action === "delete" &&
      !window.confirm(
        `Delete run ${run.id} (${run.model} on ${run.benchmark}) with all its predictions and stats?`,
      )
    )
      return;
    setBusy(run.id);
    try {
      const res = await fetch(action === "delete" ? `/api/runs/${run.id}` : `/api/runs/${run.id}/cancel`, {
        method: action === "delete" ? "DELETE" : "POST",
        headers: { Authorization: `Bearer ${token}` },
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) {
        setMessage({
          kind: "error",
          text: `${action} run ${run.id}: ${body.error?.message ?? res.statusText} (HTTP ${res.status})`,
        });
        if (res.status === 401) setToken("");
      } else {
        setMessage({
          kind: "ok",
          text:
            action === "delete"
              ? `Run ${run.id} deleted.`
              : `Run ${run.id} cancelled (${body.splits} split(s)).`,
        });
        setLive((l) => {
          const next = { ...l };
          delete next[run.id];
          return next;
        });
        router.refresh();
      }
    } finally {
      setBusy(null);
    }
  };

  const csv = () =>
    toCsv(
      [
        "id",
        "model",
        "family",
        "sft_dataset",
        "beta",
        "benchmark",
        "scoring",
        "status",
        "provenance",
        "importer_version",
        "created_at",
        "started_at",
        "finished_at",
        "progress_done",
        "progress_total",
        "stats_languages",
        "stats_questions",
        "source_files",
        "error",
      ],
      runs.map((r) => [
        r.id,
        r.model,
        r.family,
        r.sft,
        r.beta,
        r.benchmark,
        r.scoringMethod,
        r.status,
        r.provenance,
        r.importerVersion,
        r.createdAt,
        r.startedAt,
        r.finishedAt,
        r.progressDone,
        r.progressTotal,
        r.statsLanguages,
        r.statsQuestions,
        r.sourceFiles.map((f) => `${f.path ?? f.name ?? "?"}${f.sha256 ? `#${f.sha256}` : ""}`).join(" "),
        r.error,
      ]),
    );

  return (
    <div>
      <form
        className="filters token"
        data-testid="token-form"
        onSubmit={(e) => {
          e.preventDefault();
          setToken(draft.trim());
          setDraft("");
          setMessage(null);
        }}
      >
        <label>
          API token
          <input
            type="password"
            name="token"
            autoComplete="off"
            placeholder={token ? "•••••• (kept for this tab)" : "ATLAS_API_TOKEN"}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
        </label>
        <button type="submit">{token ? "Replace" : "Use"}</button>
        {token && (
          <button type="button" onClick={() => setToken("")} data-testid="forget-token">
            Forget
          </button>
        )}
        <span className="muted" data-testid="token-state">
          {token
            ? "token set for this tab (sessionStorage) — cancel and delete enabled"
            : "needed to cancel or delete runs"}
        </span>
      </form>
      {message && (
        <p
          className={message.kind === "error" ? "error" : "notice"}
          role={message.kind === "error" ? "alert" : "status"}
          data-testid="runs-message"
        >
          {message.text}
        </p>
      )}
      <ExportBar name="runs" getCsv={csv} />
      <div className="chart-scroll">
        <table className="data runs" data-testid="runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Model</th>
              <th>Benchmark</th>
              <th>Status</th>
              <th>Progress</th>
              <th>Provenance</th>
              <th>Created</th>
              <th>Stats</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <RunRow key={r.id} run={r} busy={busy === r.id} onAct={act} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function RunRow({
  run: r,
  busy,
  onAct,
}: {
  run: RunListItem;
  busy: boolean;
  onAct: (r: RunListItem, a: "cancel" | "delete") => void;
}) {
  // "Now" exists only in the browser: the server's render and hydration show no elapsed time (no mismatch, #418).
  const isClient = useIsClient();
  const elapsed =
    r.startedAt && (r.finishedAt || isClient)
      ? ((r.finishedAt ? Date.parse(r.finishedAt) : Date.now()) - Date.parse(r.startedAt)) / 1000
      : null;
  const running = r.splits.filter((s) => s.status === "running");
  const rate = meanRate(r.progressDone, elapsed);
  const note = methodNote(r.scoringMethod, r.config);
  const eta = running.length ? Math.max(...running.map((s) => s.etaSeconds ?? 0)) : null;
  return (
    <>
      <tr data-testid="run-row" data-run={r.id} data-status={r.status} className={`status-${r.status}`}>
        <td className="num">{r.id}</td>
        <td>
          {r.statsLanguages > 0 ? (
            <a href={`/reliability?${new URLSearchParams({ benchmark: r.benchmark, models: r.model })}`}>
              {r.model}
            </a>
          ) : (
            r.model
          )}
          <div className="muted">
            {r.family}
             · {configFromCells(r.sft, r.beta)} · <span data-testid="run-method">{r.scoringMethod}</span>
            {note && <span title={note}> ({note})</span>}
            {r.shots ? ` · ${r.shots}-shot` : ""}
            {chatLabel(r.config)}
            {r.topLabelOnly ? " · top-label only" : ""}
          </div>
        </td>
        <td>{r.benchmark}</td>
        <td>
          <span className={`badge badge-${r.status}`} data-testid="run-status">
            {r.status}
          </span>
          {r.error && <div className="error-text">{r.error}</div>}
        </td>
        <td>
          <Progress done={r.progressDone} total={r.progressTotal} testid="run-progress" />
          {active(r.status) && (
            <div className="muted" data-testid="run-rate">
              {rate ? `${rate.toFixed(1)} q/s (mean since start) · ` : ""}ETA {fmtDuration(eta)} · elapsed {fmtDuration(elapsed)}
            </div>
          )}
        </td>
        <td>
          <span data-testid="run-provenance">{r.provenance}</span>
          {r.importerVersion && (
            <div className="muted" data-testid="run-importer">
              importer {r.importerVersion}
            </div>
          )}
          {r.sourceFiles.length > 0 && (
            <details>
              <summary>{r.sourceFiles.length} source file(s)</summary>
              <ul className="files" data-testid="run-files">
                {r.sourceFiles.map((f, i) => (
                  <li key={i}>
                    <code>{f.path ?? f.name ?? JSON.stringify(f)}</code>
                    {f.sha256 && <span className="muted"> sha256 {String(f.sha256).slice(0, 12)}…</span>}
                    {typeof f.bytes === "number" && (
                      <span className="muted"> · {f.bytes.toLocaleString("en")} B</span>
                    )}
                  </li>
                ))}
              </ul>
            </details>
          )}
          {Object.keys(r.config ?? {}).length > 0 && (
            <details>
              <summary>config</summary>
              <pre className="config">{JSON.stringify(r.config, null, 2)}</pre>
            </details>
          )}
        </td>
        <td>
          <span data-testid="run-created">{fmtTime(r.createdAt)}</span>
          {r.finishedAt && <div className="muted">finished {fmtTime(r.finishedAt)}</div>}
        </td>
        <td className="num">
          {r.statsLanguages ? `${r.statsLanguages} lang. · ${r.statsQuestions.toLocaleString("en")} q.` : "—"}
        </td>
        <td>
          {active(r.status) ? (
            <button type="button" disabled={busy} onClick={() => onAct(r, "cancel")} data-testid="cancel-run">
              Cancel
            </button>
          ) : (
            <button type="button" disabled={busy} onClick={() => onAct(r, "delete")} data-testid="delete-run">
              Delete
            </button>
          )}
        </td>
      </tr>
      {r.splits.length > 0 && active(r.status) && (
        <tr className="splits-row">
          <td />
          <td colSpan={8}>
            <div className="splits" data-testid="run-splits">
              {r.splits.map((s: SplitItem) => (
                <span
                  key={s.language}
                  className={`split split-${s.status}`}
                  data-testid="split"
                  data-language={s.language}
                  data-status={s.status}
                >
                  <strong>{s.language}</strong> {s.status}{" "}
                  <Progress done={s.done} total={s.total} testid="split-progress" />
                  {s.questionsPerS ? ` ${s.questionsPerS.toFixed(1)} q/s` : ""}
                  {s.etaSeconds !== null && s.status === "running"
                    ? ` · ETA ${fmtDuration(s.etaSeconds)}`
                    : ""}
                </span>
              ))}
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

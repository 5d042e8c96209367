"use client";
/** The questions of one reliability bin, with a CSV of exactly the rows listed. */
import Link from "next/link";
import type { BinQuestions } from "@/lib/db/queries/questions";
import { toCsv } from "@/lib/charts/export";
import { ExportBar } from "@/components/ui/ExportBar";
import { LETTERS } from "./letters";

export function BinQuestionsTable({ data }: { data: BinQuestions }) {
  const csv = () =>
    toCsv(
      ["question_id", "external_id", "confidence", "predicted", "gold", "correct", "text"],
      data.questions.map((q) => [
        q.id,
        q.externalId,
        q.confidence,
        q.predicted,
        q.gold,
        q.correct ? 1 : 0,
        q.text,
      ]),
    );
  return (
    <div>
      <ExportBar
        name={`bin-${data.runId}-${data.language}-${data.binning}-${data.bins}-${data.bin}`}
        getCsv={csv}
      />
      <div className="chart-scroll">
        <table className="data" data-testid="bin-questions">
          <thead>
            <tr>
              <th>#</th>
              <th>Question</th>
              <th className="num">Confidence</th>
              <th>Answer</th>
              <th>Gold</th>
              <th>Correct</th>
            </tr>
          </thead>
          <tbody>
            {data.questions.map((q, i) => (
              <tr
                key={q.id}
                data-testid="bin-question"
                data-id={q.id}
                data-confidence={q.confidence}
                data-correct={q.correct ? "1" : "0"}
              >
                <td className="num">{(data.page - 1) * data.pageSize + i + 1}</td>
                <td className="qtext">
                  {/* The link text is the id the link opens; the source's own id follows it. */}
                  <Link href={`/questions/${q.id}`} data-testid="question-link">
                    {q.id}
                  </Link>{" "}
                  <span className="muted">({q.externalId})</span>{" "}
                  <span dir="auto" className="snippet">
                    {(q.text ?? "").slice(0, 140)}
                    {(q.text ?? "").length > 140 ? "…" : ""}
                  </span>
                </td>
                <td className="num">{q.confidence.toFixed(4)}</td>
                <td>{LETTERS[q.predicted] ?? q.predicted}</td>
                <td>
                  {q.gold !== null
                    ? (LETTERS[q.gold] ?? q.gold)
                    : q.correct
                      ? `${LETTERS[q.predicted] ?? q.predicted} (inferred)`
                      : "—"}
                </td>
                <td>{q.correct ? "✓ yes" : "✗ no"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

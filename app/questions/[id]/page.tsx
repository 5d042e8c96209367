/**
 * `/questions/:id` — one question: its text in any script (dir="auto", so right-to-left scripts read
 * correctly), its options and gold answer, and every model's probabilities side by side. Reads the
 * predictions of this one question (Prediction(questionId) index).
 */
import Link from "next/link";
import { notFound } from "next/navigation";
import { LETTERS } from "@/components/questions/letters";
import { goldOf } from "@/components/questions/gold";
import { QuestionProbs } from "@/components/questions/QuestionProbs";
import { withExpectedErrors } from "@/components/ui/expected-errors";
import { badInput } from "@/lib/errors";
import { getQuestion } from "@/lib/db/queries/questions";
import { db } from "@/lib/db/server";
import { parseId } from "@/lib/ids";
import { configFromCells } from "@/lib/view-state/config";

export const dynamic = "force-dynamic";

export default withExpectedErrors("/reliability", async function QuestionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const questionId = parseId(id);
  if (questionId === null) throw badInput(`invalid value "${id}": a question id is a positive integer`, { field: "id" });
  const q = await getQuestion(db(), questionId);
  if (!q) notFound();
  const { gold, inferredFrom } = goldOf(q.gold, q.predictions);
  const goldMark = inferredFrom ? " (inferred)" : "";
  return (
    <>
      <h1>
        Question {q.externalId}{" "}
        <span className="muted">
          ({q.benchmark}, {q.languageName}, {q.script} script{q.subject ? `, ${q.subject}` : ""})
        </span>
      </h1>
      <div className="question" data-testid="question">
        <p dir="auto" lang={q.language} className="question-text" data-testid="question-text">
          {q.text ?? <em>(the source gave no question text)</em>}
        </p>
        {q.options.length > 0 ? (
          <ol className="options" data-testid="options">
            {q.options.map((o, j) => (
              <li
                key={j}
                data-testid="option"
                data-option={j}
                data-gold={gold === j ? "1" : "0"}
                className={gold === j ? "gold" : ""}
              >
                <span className="letter" dir="ltr">
                  {LETTERS[j]}.
                </span>{" "}
                <bdi lang={q.language}>{o}</bdi>
                {gold === j && <strong> ✓ gold answer{goldMark}</strong>}
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">Options were not imported (scores only).</p>
        )}
        <p className="muted" data-testid="gold">
          Gold:{" "}
          {gold === null
            ? "unknown (the source does not give it, and no stored prediction is marked correct)"
            : `${LETTERS[gold]} (option ${gold + 1} of ${q.optionCount})${
                inferredFrom ? ` — inferred: the source stores no gold, but ${inferredFrom}'s answer is marked correct` : ""
              }`}
        </p>
      </div>
      <h2>Each model&apos;s probabilities</h2>
      {q.predictions.length === 0 ? (
        <div className="empty" data-testid="no-predictions">
          No stored predictions for this question.
        </div>
      ) : (
        <>
          <QuestionProbs
            questionId={q.id}
            options={q.options}
            optionCount={q.optionCount}
            gold={gold}
            predictions={q.predictions}
          />
          <div className="chart-scroll">
            <table className="data" data-testid="prediction-table">
              <thead>
                <tr>
                  <th>Model</th>
                  <th>Run</th>
                  {Array.from(
                    { length: Math.max(q.optionCount, ...q.predictions.map((p) => p.probs.length)) },
                    (_, j) => (
                      <th key={j} className={`num${gold === j ? " gold" : ""}`}>
                        {LETTERS[j]}
                        {gold === j ? ` ✓${goldMark}` : ""}
                      </th>
                    ),
                  )}
                  <th>Answer</th>
                  <th className="num">Confidence</th>
                  <th>Correct</th>
                </tr>
              </thead>
              <tbody>
                {q.predictions.map((p) => (
                  <tr key={p.runId} data-testid="prediction" data-run={p.runId} data-model={p.model}>
                    <td>
                      <Link
                        href={`/reliability?benchmark=${encodeURIComponent(q.benchmark)}&languages=${q.language}&models=${encodeURIComponent(p.model)}`}
                      >
                        {p.model}
                      </Link>
                      <div className="muted">{configFromCells(p.sft, p.beta)}</div>
                    </td>
                    <td className="num">{p.runId}</td>
                    {p.probs.map((v, j) => (
                      <td
                        key={j}
                        className={`num${p.predicted === j ? " answer" : ""}`}
                        data-testid="prob"
                        data-option={j}
                        data-value={v}
                      >
                        {v.toFixed(4)}
                      </td>
                    ))}
                    <td>{LETTERS[p.predicted] ?? p.predicted}</td>
                    <td className="num">{p.confidence.toFixed(4)}</td>
                    <td>{p.correct ? "✓ yes" : "✗ no"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
});

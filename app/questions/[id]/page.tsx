/**
 * `/questions/:id` — one question: its text in any script (dir="auto", so right-to-left scripts read
 * correctly), its options and gold answer, and every model's probabilities side by side. Reads the
 * predictions of this one question (Prediction(questionId) index).
 */
import Link from "next/link";
import { LETTERS } from "@/components/questions/letters";
import { QuestionProbs } from "@/components/questions/QuestionProbs";
import { ErrorPanel } from "@/components/ui/ErrorPanel";
import { getQuestion } from "@/lib/db/queries/questions";
import { db } from "@/lib/db/server";
import { parseId } from "@/lib/ids";

export const dynamic = "force-dynamic";

export default async function QuestionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const questionId = parseId(id);
  if (questionId === null)
    return (
      <ErrorPanel
        message={`field "id": invalid value "${id}": a question id is a positive integer`}
        resetHref="/reliability"
      />
    );
  const q = await getQuestion(db(), questionId);
  if (!q)
    return (
      <div className="empty" data-testid="empty">
        No question {id}. Questions arrive with imported outputs:{" "}
        <code>npm run calib -- import FILE --model NAME --benchmark GlobalMMLU</code>.
      </div>
    );
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
                data-gold={q.gold === j ? "1" : "0"}
                className={q.gold === j ? "gold" : ""}
              >
                <span className="letter" dir="ltr">
                  {LETTERS[j]}.
                </span>{" "}
                <bdi lang={q.language}>{o}</bdi>
                {q.gold === j && <strong> ✓ gold answer</strong>}
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">Options were not imported (scores only).</p>
        )}
        <p className="muted" data-testid="gold">
          Gold:{" "}
          {q.gold === null
            ? "unknown (the source does not give it)"
            : `${LETTERS[q.gold]} (option ${q.gold + 1} of ${q.optionCount})`}
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
            gold={q.gold}
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
                      <th key={j} className={`num${q.gold === j ? " gold" : ""}`}>
                        {LETTERS[j]}
                        {q.gold === j ? " ✓" : ""}
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
                      <div className="muted">{p.sft ? `${p.sft} β=${p.beta}` : "base"}</div>
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
}

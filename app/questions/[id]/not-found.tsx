/** Unknown question id: HTTP 404 (notFound() in page.tsx) with a friendly explanation. */
export default function QuestionNotFound() {
  return (
    <div className="empty" data-testid="empty">
      No such question. Questions arrive with imported outputs:{" "}
      <code>npm run calib -- import FILE --model NAME --benchmark GlobalMMLU</code>; open one from a reliability
      diagram&apos;s bin on <a href="/reliability">/reliability</a>.
    </div>
  );
}

export default function Loading() {
  return (
    <div className="loading" role="status" data-testid="loading">
      Loading questions…
    </div>
  );
}

/** The /reliability fallback while its stats load (the page's own Suspense boundary, see app/reliability/page.tsx). */
export function ReliabilityLoading() {
  return (
    <div className="loading" role="status" data-testid="loading">
      Loading reliability diagrams…
    </div>
  );
}

export default function Loading() {
  return <div className="loading" role="status">Loading…</div>;
}

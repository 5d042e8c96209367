/** In a route group so that it wraps only this page: a loading boundary above /questions/[id] would stream a 200 before notFound() could answer 404. */
export default function Loading() {
  return <div className="loading" role="status">Loading…</div>;
}

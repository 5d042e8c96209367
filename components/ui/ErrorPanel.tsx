/** Shown when the URL holds an invalid parameter: names the field, links back to defaults. */
export function ErrorPanel({ message, resetHref }: { message: string; resetHref: string }) {
  return (
    <div className="error" role="alert">
      <strong>Invalid link.</strong> {message} <a href={resetHref}>Open the default view</a>.
    </div>
  );
}

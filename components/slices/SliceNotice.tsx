/**
 * What a sliced view says about its slice: which one, that published figures are left out, and every
 * model × language whose slice is below MIN_SLICE_N, with its n — refused, not drawn (docs/analysis.md "Slices").
 */
import type { RefusedSlice } from "@/lib/db/queries/slices";
import { MIN_SLICE_N, SLICE_ALL, sliceLabel } from "@/lib/slices/slice";

export function SliceNotice({ slice, refused }: { slice: string; refused: RefusedSlice[] }) {
  if (slice === SLICE_ALL) return null;
  return (
    <div className="notice" data-testid="slice-notice">
      <p>
        Slice: <strong>{sliceLabel(slice)}</strong> — statistics of these questions only, per run and language (n in
        each tooltip and panel title), without bootstrap intervals. Published figures have no slices and are not shown.
      </p>
      {refused.length > 0 && (
        <p data-testid="slice-refused">
          Not drawn — fewer than {MIN_SLICE_N} questions in the slice (the minimum for a slice):{" "}
          {refused.map((r, i) => (
            <span key={`${r.model}|${r.language}`}>
              {i > 0 ? "; " : ""}
              {r.model} · {r.language} (n = {r.n})
            </span>
          ))}
          .
        </p>
      )}
    </div>
  );
}

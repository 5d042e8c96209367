"use client";
/** A labelled list of checkboxes for a list-valued filter (languages, families, SFT datasets, β, …). */

/**
 * Toggle one value where the empty list means "all": links stay short, and a value that appears later
 * (a new model family, a new language) is included without editing the link.
 */
function toggleAll(list: string[], all: string[], v: string): string[] {
  const current = list.length ? list : all;
  const next = current.includes(v) ? current.filter((x) => x !== v) : [...current, v];
  return next.length === all.length ? [] : next;
}

export function CheckboxGroup({
  legend,
  name,
  options,
  selected,
  onChange,
  labels,
  emptyMeansAll = true,
  hideWhenEmpty = true,
}: {
  legend: string;
  name: string;
  options: string[];
  selected: string[];
  onChange: (next: string[]) => void;
  labels?: Record<string, string>;
  emptyMeansAll?: boolean;
  /** false: a group with no options still shows its legend (the heatmap's form always has all three). */
  hideWhenEmpty?: boolean;
}) {
  if (hideWhenEmpty && !options.length) return null;
  return (
    <fieldset>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o}>
          <input
            type="checkbox"
            name={name}
            value={o}
            checked={(emptyMeansAll && !selected.length) || selected.includes(o)}
            onChange={() =>
              onChange(
                emptyMeansAll
                  ? toggleAll(selected, options, o)
                  : selected.includes(o)
                    ? selected.filter((x) => x !== o)
                    : [...selected, o],
              )
            }
          />
          {labels?.[o] ?? o}
        </label>
      ))}
    </fieldset>
  );
}

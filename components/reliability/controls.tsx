"use client";
/**
 * Filter controls shared by the reliability, smoothing, results and questions views. The URL is the
 * only view state: every change navigates to the query string that the one schema
 * (lib/view-state/filters.ts) serialises.
 */
import { usePathname, useRouter } from "next/navigation";
import { useTransition, type ReactNode } from "react";
import type { ViewState } from "@/lib/view-state/filters";
import { toSearchParams } from "./url-state";

export function useViewNav(state: Partial<ViewState>) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const href = (patch: Partial<ViewState>) => {
    const qs = toSearchParams({ ...state, ...patch }).toString();
    return qs ? `${pathname}?${qs}` : pathname;
  };
  const go = (patch: Partial<ViewState>) =>
    startTransition(() => router.push(href(patch), { scroll: false }));
  return { go, href, pending };
}

/** Toggle one value of a list filter where the empty list means "all". */
export function toggleAll(list: string[], all: string[], v: string): string[] {
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
}: {
  legend: string;
  name: string;
  options: string[];
  selected: string[];
  onChange: (next: string[]) => void;
  labels?: Record<string, string>;
  emptyMeansAll?: boolean;
}) {
  if (!options.length) return null;
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

export function Select<T extends string>({
  label,
  name,
  value,
  options,
  onChange,
}: {
  label: ReactNode;
  name: string;
  value: T;
  options: readonly (T | { value: T; label: string })[];
  onChange: (v: T) => void;
}) {
  return (
    <label>
      {label}
      <select name={name} value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => {
          const v = typeof o === "string" ? o : o.value;
          return (
            <option key={v} value={v}>
              {typeof o === "string" ? o : o.label}
            </option>
          );
        })}
      </select>
    </label>
  );
}

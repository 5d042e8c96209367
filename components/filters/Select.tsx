"use client";
/** A labelled <select> for a single-valued filter; options are plain values or { value, label } pairs. */
import type { ReactNode } from "react";

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

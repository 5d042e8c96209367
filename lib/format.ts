/**
 * Every number formatter of the project, in one place: metric values, Δs, interval bounds, β.
 * Numbers as the views print them. Published figures are exact decimals (text from Postgres NUMERIC): their
 * differences are computed in decimal, so a Δ of 0.152 − 0.130 reads 0.022, never 0.021999999999999992.
 * Measured values are floats: the UI shows them to MEASURED_DIGITS decimals, CSV keeps full precision.
 */

/** Decimals the UI shows for measured metrics (and for every heatmap cell). */
export const MEASURED_DIGITS = 3;

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** a − b, exactly, for plain decimal texts ("0.152"); falls back to a float difference rounded to 15 significant digits. */
export function decimalDifference(a: string, b: string): string {
  const x = DECIMAL.exec(a.trim());
  const y = DECIMAL.exec(b.trim());
  if (!x || !y) return String(Number((Number(a) - Number(b)).toPrecision(15)));
  const scale = Math.max(x[3]?.length ?? 0, y[3]?.length ?? 0);
  const int = (m: RegExpExecArray) => BigInt(m[1] + m[2] + (m[3] ?? "").padEnd(scale, "0"));
  const d = int(x) - int(y);
  const neg = d < 0n;
  const digits = (neg ? -d : d).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fracAll = digits.slice(digits.length - scale);
  let end = fracAll.length; // trailing zeros dropped without a regex (/0+$/ is quadratic on long zero runs)
  while (end > 0 && fracAll[end - 1] === "0") end--;
  const frac = fracAll.slice(0, end);
  return (neg ? "-" : "") + whole + (frac ? "." + frac : "");
}

/** A float without binary artefacts: 15 significant digits at most (0.7941176470588235 stays, 0.1 + 0.2 → 0.3). */
export function cleanFloat(v: number): string {
  return String(Number(v.toPrecision(15)));
}

/** Fixed decimals, with an explicit sign for Δ values; "−0.000" never appears (it is "0.000"). */
export function formatValue(v: number, { delta = false, digits = MEASURED_DIGITS } = {}): string {
  const s = v.toFixed(digits);
  if (Number(s) === 0) return (0).toFixed(digits);
  return delta && v > 0 ? "+" + s : s;
}

/** Fixed decimals, "—" for a missing value (tables and the CLI's text output). */
export function fixed(v: number | null | undefined, digits = MEASURED_DIGITS): string {
  return v === null || v === undefined ? "—" : v.toFixed(digits);
}

/** Three decimals, "—" for a missing value: how tables print a metric. */
export const f3 = (v: number | null | undefined): string => fixed(v, 3);

/** Three decimals with a typographic sign (+, −, ± for zero): a Δ in a chart label. */
export const signed3 = (v: number): string => (v > 0 ? "+" : v < 0 ? "−" : "±") + Math.abs(v).toFixed(3);

/**
 * Rounded to `digits` significant digits, as a number (null stays null). Interval bounds travel with 6
 * significant digits: bootstrap percentiles carry no more, and it halves the size of a results page.
 */
export function significant(v: number | null | undefined, digits: number): number | null {
  return v === null || v === undefined ? null : Number(v.toPrecision(digits));
}

export const sig6 = (v: number | null | undefined): number | null => significant(v, 6);

/** β as the views print it: "0.0", "0.1", "0.25"; "" for null. */
export function formatBeta(b: number | null): string {
  if (b === null) return "";
  return Number.isInteger(b) ? b.toFixed(1) : String(b);
}

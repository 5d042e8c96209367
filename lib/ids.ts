/**
 * Database ids in URLs. Every id column is a Postgres int4: a larger number in a path or query parameter must be
 * answered as "no such thing" (404) or bad input (400), never reach a query and fail there as a 500.
 */
export const MAX_INT4 = 2_147_483_647;

/** A positive int4 id from its decimal text, or null (leading zeros, signs, spaces and overflow are refused). */
export function parseId(raw: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(raw)) return null;
  const n = Number(raw);
  return n <= MAX_INT4 ? n : null;
}

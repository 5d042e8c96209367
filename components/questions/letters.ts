/** Option letters A, B, C, … (shared by server pages and client components). */
export const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
export const letter = (j: number | null) => (j === null ? "—" : (LETTERS[j] ?? String(j + 1)));

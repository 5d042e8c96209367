/** "ρ = 0.123 [lo, hi]" for a configuration (shared by the server page and the client chart). */
export const rhoText = (c: { rho: number | null; interval: [number, number] | null }): string =>
  c.rho === null || c.interval === null
    ? "ρ undefined (fewer than 3 languages or no spread)"
    : `ρ = ${c.rho.toFixed(3)} [${c.interval[0].toFixed(3)}, ${c.interval[1].toFixed(3)}]`;

/**
 * Builds (or confirms) the cached full-grid database that bench:views and bench:load read
 * (bench/support/views-grid.ts), so the minutes of loading can run ahead of the benches. Prints one JSON line.
 */
import { gridDatabase, gridSizeFromEnv } from "./support/views-grid";

const t0 = Date.now();
const grid = await gridDatabase(gridSizeFromEnv(), { fresh: process.env.BENCH_FRESH === "1" });
console.log(
  JSON.stringify({
    bench: "grid",
    database: new URL(grid.url).pathname.slice(1),
    predictions: grid.predictions,
    stats_rows: grid.statsRows,
    runs: grid.runs,
    paired_rows: grid.pairedRows,
    built: grid.built,
    seconds: Math.round((Date.now() - t0) / 1000),
  }),
);
process.exit(0);

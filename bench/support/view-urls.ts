/**
 * The view URLs the benches request, picked from the grid database: the pages users open, plus the views that read
 * predictions at their worst — one question across all its runs, the fullest reliability bin of the largest split
 * (first and last page), and the per-language paired bootstrap, whose in-memory cache is bypassed by asking for a
 * different (β pair, language) each time.
 */
import pg from "pg";

/** A fixed path, or one path per request (the i-th request gets `f(i)`). */
export type ViewUrl = string | ((i: number) => string);

export async function viewUrls(url: string): Promise<Record<string, ViewUrl>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const q = await c.query<{ id: number }>(
      `SELECT q."id" FROM "Question" q JOIN "Benchmark" b ON b."id" = q."benchmarkId"
       WHERE b."name" = 'GlobalMMLU' AND q."languageCode" = 'sw' ORDER BY q."id" LIMIT 1`,
    );
    // The fullest equal-width bin of any split of the benchmark with the most questions per split.
    const fullest = await c.query<{ runId: number; lang: string; bin: number; count: number; bins: number }>(
      `SELECT s."runId", s."languageCode" AS lang, (b.ord - 1)::int AS bin, (b.x->>'count')::int AS count, s."bins"
       FROM "RunLanguageStats" s JOIN "Run" r ON r."id" = s."runId"
       CROSS JOIN LATERAL jsonb_array_elements(s."reliability") WITH ORDINALITY AS b(x, ord)
       WHERE s."binning" = 'equal-width'
         AND r."benchmarkId" = (SELECT "benchmarkId" FROM "Question" GROUP BY "benchmarkId", "languageCode" ORDER BY count(*) DESC LIMIT 1)
       ORDER BY (b.x->>'count')::int DESC LIMIT 1`,
    );
    // β = 0.1 and 0.2 against β = 0 for each family × SFT dataset, in every GlobalMMLU language.
    const pairs = await c.query<{ a: number; b: number; lang: string }>(
      `SELECT ra."id" AS a, rb."id" AS b, l.lang
       FROM "Model" ma JOIN "Model" mb ON mb."family" = ma."family" AND mb."sftDataset" = ma."sftDataset" AND mb."smoothing" > 0
       JOIN "Run" ra ON ra."modelId" = ma."id" JOIN "Run" rb ON rb."modelId" = mb."id" AND rb."benchmarkId" = ra."benchmarkId"
       JOIN "Benchmark" bm ON bm."id" = ra."benchmarkId"
       CROSS JOIN LATERAL (SELECT DISTINCT "languageCode" AS lang FROM "RunSplit" WHERE "runId" = ra."id") l
       WHERE ma."smoothing" = 0 AND bm."name" = 'GlobalMMLU'
       ORDER BY l.lang, ma."family", ma."sftDataset", mb."smoothing"`,
    );
    const f = fullest.rows[0];
    const lastPage = Math.max(1, Math.ceil(f.count / 100));
    const sig = pairs.rows;
    return {
      heatmap: "/",
      "heatmap-delta": "/?metric=rms&mode=delta-base&sort=resource",
      "reliability-42": "/reliability?benchmark=GlobalMMLU",
      "reliability-42x10": "/reliability?benchmark=GlobalMMLU&family=Mistral-7B&beta=0.0,0.1,0.2&smooth=on",
      "reliability-1": "/reliability?benchmark=GlobalMMLU&languages=sw&models=Gemma2-2B-Alpaca-b0.1",
      smoothing: "/smoothing?benchmark=GlobalMMLU",
      "smoothing-langs": "/smoothing?benchmark=GlobalMMLU&languages=am,sw,yo",
      results: "/results?benchmark=GlobalMMLU",
      "results-all": "/results?benchmark=all",
      runs: "/runs",
      question: `/questions/${q.rows[0].id}`,
      "bin-fullest": `/questions?run=${f.runId}&languages=${f.lang}&bin=${f.bin}`,
      "bin-fullest-last-page": `/questions?run=${f.runId}&languages=${f.lang}&bin=${f.bin}&page=${lastPage}`,
      "bin-fullest-equal-mass": `/questions?run=${f.runId}&languages=${f.lang}&binning=equal-mass&bin=${f.bins - 1}`,
      significance: (i: number) => {
        const p = sig[i % sig.length];
        return `/smoothing/significance?runA=${p.a}&runB=${p.b}&language=${p.lang}`;
      },
    };
  } finally {
    await c.end();
  }
}

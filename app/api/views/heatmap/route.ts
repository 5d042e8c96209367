/**
 * GET /api/views/heatmap?<the heatmap's own parameters>&format=csv|json&offset=&limit= — the heatmap's table in
 * tidy form (one row per language × column: the value as exact text, n and run id for measured cells), what the
 * view at `/?…` draws (the view's URL with `format=csv|json` is rewritten here by proxy.ts). Read-only, no token,
 * paginated; no file paths. Example: `pandas.read_csv("http://localhost:3000/?metric=rms&mode=delta-base&format=csv")`.
 */
import { viewDataHandler } from "../handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = viewDataHandler("heatmap");

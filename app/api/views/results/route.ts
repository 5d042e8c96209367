/**
 * GET /api/views/results?<the results table's own parameters>&format=csv|json&offset=&limit= — the rows of
 * `/results` with the columns it shows (`cols`, grouped and sorted ones included), metrics as exact text
 * (published decimals; measured floats without artefacts) and, for measured rows, their 95% bootstrap interval
 * (`<metric>_lo`, `<metric>_hi`). The view's URL with `format=csv|json` is rewritten here by proxy.ts.
 * Read-only, no token, paginated, no file paths.
 */
import { viewDataHandler } from "../handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = viewDataHandler("results");

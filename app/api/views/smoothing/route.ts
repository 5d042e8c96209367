/**
 * GET /api/views/smoothing?<the smoothing view's own parameters>&format=csv|json&offset=&limit= — each metric
 * against β per language (and the average over languages) and configuration, with n, the test against β = 0 and
 * its p-value, in tidy long form (components/smoothing/smoothing-table.ts). The view's URL with `format=csv|json`
 * is rewritten here by proxy.ts. Read-only, no token, paginated, no file paths.
 * Example: `pandas.read_csv("http://localhost:3000/smoothing?family=Gemma2-2B&format=csv")`.
 */
import { viewDataHandler } from "../handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = viewDataHandler("smoothing");

/**
 * GET /api/views/runs?<the runs page's own parameters>&format=csv|json&offset=&limit= — one row per run with its
 * provenance and progress (components/runs/runs-table.ts): source files as base names with sha256, error
 * summaries, never a file-system path (lib/redact.ts). The view's URL with `format=csv|json` is rewritten here by
 * proxy.ts. Read-only, no token, paginated. Example: `pandas.read_csv("http://localhost:3000/runs?format=csv")`.
 */
import { viewDataHandler } from "../handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = viewDataHandler("runs");

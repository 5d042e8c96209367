/**
 * GET /api/views/reliability?<the reliability view's own parameters, binning and bins included>&format=csv|json
 * &offset=&limit= — per run × language, the bins `/reliability` draws (count, confidence, accuracy, Wilson 95%
 * interval) and the panel metrics, in tidy long form (components/reliability/reliability-table.ts). The view's URL
 * with `format=csv|json` is rewritten here by proxy.ts. Read-only, no token, paginated, no file paths.
 * Example: `pandas.read_csv("http://localhost:3000/reliability?languages=sw&bins=5&format=csv")`.
 */
import { viewDataHandler } from "../handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = viewDataHandler("reliability");

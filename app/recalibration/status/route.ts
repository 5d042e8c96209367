/**
 * GET /recalibration/status?benchmark=&models=&method= — where the recalibration what-if of the model's latest run
 * stands, starting it (on a compute thread, single-flighted) when it is neither stored nor in flight; answers at
 * once. 200 { state: "ready" } | 202 { state: "pending" } | 503 { state: "busy" } with Retry-After (the compute
 * queue is full) | 422 { state: "failed", message } | 404 { state: "none" } (no measured run). The /recalibration
 * page polls it while it shows "computing…". Cross-site requests are refused (403): a GET that starts 20 s of CPU.
 */
import { recalibrationStatus } from "@/lib/db/queries/recalibration";
import { db } from "@/lib/db/server";
import { AtlasError } from "@/lib/errors";
import { parseViewState } from "@/lib/view-state/filters";
import { refuseCrossSite } from "@/app/api/same-origin";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const STATUS = { none: 404, ready: 200, pending: 202, busy: 503, failed: 422 } as const;

export async function GET(req: Request): Promise<Response> {
  const refused = refuseCrossSite(req);
  if (refused) return refused;
  let state;
  try {
    state = parseViewState(Object.fromEntries(new URL(req.url).searchParams), { strict: true });
  } catch (e) {
    if (e instanceof AtlasError)
      return Response.json({ error: { code: e.code, message: e.message, ...e.where } }, { status: e.status });
    throw e;
  }
  const model = state.models[0];
  if (!model) return Response.json({ error: { code: "BAD_INPUT", message: "models is required", field: "models" } }, { status: 400 });
  try {
    const s = await recalibrationStatus(db(), state.benchmark, model, state.method);
    const body = s.state === "ready" ? { state: s.state, runId: s.view.runId } : s;
    const res = Response.json(body, { status: STATUS[s.state], headers: { "Cache-Control": "no-store" } });
    if (s.state === "busy") res.headers.set("Retry-After", String(s.retryAfterS));
    return res;
  } catch (e) {
    console.error("GET /recalibration/status:", e);
    return Response.json({ error: { code: "INTERNAL", message: "internal error" } }, { status: 500 });
  }
}

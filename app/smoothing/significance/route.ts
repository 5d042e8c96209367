/**
 * GET /smoothing/significance?runA=&runB=&language= — paired bootstrap of run B (β) against run A (β = 0)
 * over the questions of one language that both answered: { n, resamples, metrics: { ece|rms|accuracy|entropy:
 * { a, b, difference, interval, p } } }. The one request of this view that reads predictions (two runs, one
 * language, at most 20,000 questions); results are cached in memory, identical concurrent requests share one
 * computation, and the resamples run on a compute thread (503 with Retry-After when too many are waiting).
 * Cross-site requests are refused (403): any web page could otherwise make a browser fire this at localhost.
 */
import { z } from "zod";
import { db } from "@/lib/db/server";
import { AtlasError } from "@/lib/errors";
import { pairedBootstrapSignificance } from "@/lib/db/queries/smoothing-significance";
import { PoolBusy } from "@/lib/compute/thread-pool";
import { errorResponse } from "@/app/api/auth";
import { refuseCrossSite } from "@/app/api/same-origin";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const params = z.object({
  runA: z.coerce.number().int().positive(),
  runB: z.coerce.number().int().positive(),
  language: z.string().regex(/^[a-z]{2,3}$/),
});

export async function GET(req: Request): Promise<Response> {
  const refused = refuseCrossSite(req);
  if (refused) return refused;
  const sp = Object.fromEntries(new URL(req.url).searchParams);
  const parsed = params.safeParse(sp);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return Response.json(
      { error: { code: "BAD_INPUT", message: issue.message, field: String(issue.path[0] ?? "") } },
      { status: 400 },
    );
  }
  try {
    const r = await pairedBootstrapSignificance(
      db(),
      parsed.data.runA,
      parsed.data.runB,
      parsed.data.language,
    );
    return Response.json(r);
  } catch (e) {
    if (e instanceof PoolBusy) {
      const r = errorResponse(503, "BUSY", `${e.message}: try again in ${e.retryAfterS} s`);
      r.headers.set("Retry-After", String(e.retryAfterS));
      return r;
    }
    if (e instanceof AtlasError)
      return Response.json({ error: { code: e.code, message: e.message, ...e.where } }, { status: e.status });
    console.error("GET /smoothing/significance:", e);
    return Response.json({ error: { code: "INTERNAL", message: "internal error" } }, { status: 500 });
  }
}

import { db } from "@/lib/db/server";

export const dynamic = "force-dynamic";

/**
 * Liveness + database check, used by the launcher and the browser tests. A failure answers a fixed
 * message (the database's own error, which can name hosts, roles and paths, goes to the server log only).
 */
export async function GET() {
  try {
    await db().query("SELECT 1");
    return Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
  } catch (e) {
    console.error("GET /api/health:", e);
    return Response.json(
      { ok: false, error: "database unavailable" },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
}

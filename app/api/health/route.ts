import { db } from "@/lib/db/server";

export const dynamic = "force-dynamic";

/** Liveness + database check, used by the launcher and the browser tests. */
export async function GET() {
  try {
    await db().query("SELECT 1");
    return Response.json({ ok: true });
  } catch (e) {
    return Response.json({ ok: false, error: (e as Error).message }, { status: 503 });
  }
}

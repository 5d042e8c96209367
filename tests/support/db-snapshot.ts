/**
 * Row counts and a content checksum of every table, to prove a failed import changed nothing. `exclude` leaves out
 * tables a refusal writes to by design (an API import records its failure in its ImportJob row).
 */
import type pg from "pg";

export async function snapshot(
  client: pg.ClientBase | pg.Pool,
  exclude: readonly string[] = [],
): Promise<Record<string, { rows: number; md5: string | null }>> {
  const tables = await client.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const out: Record<string, { rows: number; md5: string | null }> = {};
  for (const { name } of tables.rows) {
    if (exclude.includes(name)) continue;
    const r = await client.query<{ rows: number; md5: string | null }>(
      `SELECT count(*)::int AS rows, md5(string_agg(t::text, '|' ORDER BY t::text)) AS md5 FROM "${name}" t`,
    );
    out[name] = r.rows[0];
  }
  // Sequences too: a rolled-back INSERT still advances them, which is harmless but shown for the record.
  return out;
}

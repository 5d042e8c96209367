/**
 * The web server's least-privilege database role (SECURITY.md lists exactly what it may do).
 *
 * The owner role (the embedded cluster's superuser, or DATABASE_URL's user) runs migrations, the
 * worker, the CLI and every bulk write. The web process connects as WEB_ROLE, which may read what the
 * pages and GET endpoints read, flip a run's status (cancel), delete a run (the cascade to its
 * predictions/stats/splits runs with the table owner's rights, as Postgres does for foreign-key
 * actions), and enqueue pg-boss jobs. It owns nothing, cannot create anything, and is no superuser.
 *
 * applyWebGrants is idempotent and runs after every migration (lib/db/migrate.ts) and after pg-boss
 * installs its schema (workers/queue/boss.ts), so tables added later are covered without a manual step.
 */
import type pg from "pg";

export const WEB_ROLE = "atlas_web";

/** A role name we are willing to put in SQL (quoted as well). */
function ident(role: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`invalid role name: ${JSON.stringify(role)}`);
  return `"${role}"`;
}

/** Creates the role when missing (LOGIN, nothing else) and sets its password. */
export async function ensureWebRole(db: pg.ClientBase, password: string, role = WEB_ROLE): Promise<void> {
  const r = ident(role);
  const exists = await db.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
  if (exists.rowCount === 0) await db.query(`CREATE ROLE ${r} LOGIN`);
  // Whatever an older version or an admin gave it, it is no more than a login.
  await db.query(
    `ALTER ROLE ${r} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT`,
  );
  await setRolePassword(db, role, password);
}

/** ALTER ROLE … PASSWORD with the literal escaped by the driver (utility statements take no parameters). */
export async function setRolePassword(db: pg.ClientBase, role: string, password: string): Promise<void> {
  const literal = (db as pg.ClientBase & { escapeLiteral(s: string): string }).escapeLiteral(password);
  await db.query(`ALTER ROLE ${ident(role)} PASSWORD ${literal}`);
}

export async function roleExists(db: pg.ClientBase | pg.Pool, role = WEB_ROLE): Promise<boolean> {
  const r = await db.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
  return (r.rowCount ?? 0) > 0;
}

/**
 * The web role's privileges in the current database, reset to exactly this list. Returns false (and
 * does nothing) when the role does not exist — an external database whose admin has not created it.
 */
export async function applyWebGrants(db: pg.ClientBase, role = WEB_ROLE): Promise<boolean> {
  if (!(await roleExists(db, role))) return false;
  const r = ident(role);
  const statements = [
    `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${r}`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${r}`,
    `REVOKE CREATE ON SCHEMA public FROM ${r}`,
    `GRANT USAGE ON SCHEMA public TO ${r}`,
    // Views: every page and GET endpoint reads the project's tables (never the migration log).
    `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${r}`,
    `REVOKE SELECT ON "_prisma_migrations" FROM ${r}`,
    // Tables a later migration adds are readable too (re-granted here after each migration anyway).
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO ${r}`,
    // Cancel (POST /api/runs/:id/cancel → lib/db/runs.ts cancelRun): status flips only.
    `GRANT UPDATE ("status", "finishedAt") ON "Run" TO ${r}`,
    `GRANT UPDATE ("status", "updatedAt") ON "RunSplit" TO ${r}`,
    // DELETE /api/runs/:id (predictions, stats and splits follow by ON DELETE CASCADE).
    `GRANT DELETE ON "Run" TO ${r}`,
    // POST /api/imports records the upload it queues (lib/import/upload/api-job.ts); the worker runs and updates it.
    `GRANT INSERT ON "ImportJob" TO ${r}`,
    // /recalibration stores its what-if result on first computation (lib/db/queries/recalibration.ts, an upsert).
    `GRANT INSERT, UPDATE ON "RecalibrationResult" TO ${r}`,
  ];
  for (const s of statements) await db.query(s);
  await applyQueueGrants(db, role);
  return true;
}

/**
 * Enqueueing through pg-boss (send / getJobById; see node_modules/pg-boss/src/plans.js insertJob):
 * read the version and queue tables, insert jobs, read jobs and their archive. No update or delete, so
 * the web role cannot alter or remove a job once sent. Skipped while pg-boss has not installed its schema.
 */
export async function applyQueueGrants(db: pg.ClientBase, role = WEB_ROLE): Promise<boolean> {
  const installed = await db.query(`SELECT to_regclass('pgboss.job') IS NOT NULL AS ok`);
  if (!installed.rows[0]?.ok || !(await roleExists(db, role))) return false;
  const r = ident(role);
  for (const s of [
    `REVOKE ALL ON ALL TABLES IN SCHEMA pgboss FROM ${r}`,
    `GRANT USAGE ON SCHEMA pgboss TO ${r}`,
    `GRANT SELECT ON pgboss.version, pgboss.queue TO ${r}`,
    `GRANT SELECT, INSERT ON pgboss.job TO ${r}`,
    `GRANT SELECT ON pgboss.archive TO ${r}`,
  ])
    await db.query(s);
  return true;
}

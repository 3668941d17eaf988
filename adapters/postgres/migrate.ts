import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { SqlClient } from './sql-client.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const loadMigrations = async (dir = MIGRATIONS_DIR): Promise<Migration[]> => {
  const files = (await readdir(dir)).filter((file) => /^\d{3}_[\w-]+\.sql$/.test(file)).sort();
  // Two branches that each added "008_…" would otherwise apply one and fail on the other's
  // schema_migrations row, or skip it on a database that already holds version 8.
  const clash = files.find((file, i) => i > 0 && file.slice(0, 3) === files[i - 1]!.slice(0, 3));
  if (clash) throw new Error(`two migrations share version ${clash.slice(0, 3)} in ${dir}: renumber one of them`);
  return Promise.all(
    files.map(async (file) => ({
      version: Number(file.slice(0, 3)),
      name: file.replace(/\.sql$/, ''),
      sql: await readFile(dir + file, 'utf8'),
    })),
  );
};

export interface MigrationReport {
  applied: string[];
  current: number;
  latest: number;
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so replicas starting at
 * the same moment neither race nor half-apply.
 */
export const migrate = async (client: SqlClient, migrations?: Migration[]): Promise<MigrationReport> => {
  const all = migrations ?? (await loadMigrations());
  return client.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext('patchbot.migrate'))`);
    await tx.exec(`create table if not exists schema_migrations (
      version integer primary key, name text not null, applied_at timestamptz not null default now())`);
    const done = new Set((await tx.query<{ version: number }>('select version from schema_migrations')).map((r) => r.version));
    const applied: string[] = [];
    for (const migration of all) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.name);
    }
    const latest = all.at(-1)?.version ?? 0;
    return { applied, current: latest, latest };
  });
};

/** Current and latest versions without changing anything (for /readyz and `db migrate --check`). */
export const migrationStatus = async (client: SqlClient): Promise<{ current: number; latest: number }> => {
  const latest = (await loadMigrations()).at(-1)?.version ?? 0;
  const exists = await client.query<{ present: boolean }>(`select to_regclass('schema_migrations') is not null as present`);
  if (!exists[0]?.present) return { current: 0, latest };
  const rows = await client.query<{ version: number | null }>('select max(version) as version from schema_migrations');
  return { current: rows[0]?.version ?? 0, latest };
};

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../adapters/postgres/pglite-client.ts';

const PREPARE = join(import.meta.dirname, '..', '..', 'adapters', 'postgres', 'pglite-prepare.mjs');
const prepare = (...args: string[]) => spawnSync(process.execPath, [PREPARE, ...args], { encoding: 'utf8' });

/** A data directory as `patchbot start` leaves it before the store opens: only the lock file. */
const lockedDir = (parent: string, name: string) => {
  const dir = join(parent, name);
  mkdirSync(dir, { mode: 0o700 });
  writeFileSync(join(dir, 'patchbot.lock.json'), '{"pid":1,"command":"patchbot start"}');
  return dir;
};

const setting = async (dir: string, name: string) => {
  const sql = await openPglite({ dataDir: dir });
  try {
    return (await sql.query<Record<string, string>>(`show ${name}`))[0]![name];
  } finally {
    await sql.close();
  }
};

describe('a fresh PGlite data directory is prepared in a process of its own', () => {
  let parent: string;
  let template: string;
  beforeAll(() => {
    parent = mkdtempSync(join(tmpdir(), 'patchbot-prepare-'));
    template = join(parent, 'datadir.tar.gz');
    const dumped = prepare('--dump', template);
    expect(dumped.status, dumped.stderr).toBe(0);
  });
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('loads the prepared files (no initdb) beside the lock file, and the store opens with them', async () => {
    const dir = lockedDir(parent, 'from-template');
    const run = prepare(dir, template);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dir, '.preparing'))).toBe(false);
    expect(readFileSync(join(dir, 'patchbot.lock.json'), 'utf8')).toContain('patchbot start');
    // Our settings come as start parameters: initdb's own postgresql.conf stays as it wrote it.
    expect(await setting(dir, 'shared_buffers')).toBe('16MB');
    expect(await setting(dir, 'default_text_search_config')).toBe('pg_catalog.english');
  }, 120_000);

  it('falls back to initdb, and says so, when the prepared files do not load', async () => {
    const dir = lockedDir(parent, 'broken-template');
    const broken = join(parent, 'broken.tar.gz');
    writeFileSync(broken, 'not a tarball');
    const run = prepare(dir, broken);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/did not load .*running initdb instead/);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    expect(await setting(dir, 'shared_buffers')).toBe('16MB');
  }, 180_000);

  it('never touches a directory that already holds a database', async () => {
    const dir = lockedDir(parent, 'existing');
    expect(prepare(dir, template).status).toBe(0);
    const sql = await openPglite({ dataDir: dir });
    await sql.exec(`create table kept (x text); insert into kept values ('still here')`);
    await sql.close();
    const before = readdirSync(dir).sort();
    const run = prepare(dir, template);
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(before);
    const again = await openPglite({ dataDir: dir });
    expect(await again.query('select x from kept')).toEqual([{ x: 'still here' }]);
    await again.close();
  }, 120_000);
});

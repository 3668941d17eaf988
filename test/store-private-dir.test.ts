import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../adapters/postgres/open-store.ts';

/** Every path under dir whose mode lets group or others in, with its mode. */
const openToOthers = (dir: string): string[] => {
  const found: string[] = [];
  const visit = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    if (stat.mode & 0o077) found.push(`${path} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return found;
};

describe('the embedded store is private to its user whatever the umask', () => {
  let umask: number;
  let parent: string;
  beforeEach(() => {
    // The attack's setting: a umask that gives every local user read and write.
    umask = process.umask(0);
    parent = mkdtempSync(join(tmpdir(), 'patchbot-private-'));
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(parent, { recursive: true, force: true });
  });

  it('creates the directory 0700 and every file 0600, including files written after the start', async () => {
    const dir = join(parent, 'data');
    const opened = await openStore(`pglite://${dir}`);
    await opened.sql.exec("create table t (x text); insert into t select repeat('x', 1000) from generate_series(1, 2000); checkpoint");
    await opened.store.close();
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir).length).toBeGreaterThan(0);
    expect(openToOthers(dir)).toEqual([]);
    expect(opened.tightened).toEqual([]);
  }, 60_000);

  it('tightens an existing directory left open to others and reports what it changed', async () => {
    const dir = join(parent, 'data');
    await (await openStore(`pglite://${dir}`)).store.close();
    chmodSync(dir, 0o777);
    const wal = join(dir, 'pg_wal');
    chmodSync(wal, 0o777);
    const segment = readdirSync(wal).find((name) => /^[0-9A-F]{24}$/.test(name))!;
    chmodSync(join(wal, segment), 0o666);
    const opened = await openStore(`pglite://${dir}`);
    await opened.store.close();
    expect(opened.tightened).toEqual(expect.arrayContaining([dir, wal, join(wal, segment)]));
    expect(openToOthers(dir)).toEqual([]);
  }, 60_000);
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations } from './migrate.ts';

describe('loadMigrations', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const folder = (files: string[]) => {
    dir = mkdtempSync(join(tmpdir(), 'patchbot-migrations-'));
    for (const file of files) writeFileSync(join(dir, file), 'select 1;');
    return `${dir}/`;
  };

  it('reads migrations in version order', async () => {
    const loaded = await loadMigrations(folder(['002_b.sql', '001_a.sql', 'notes.txt']));
    expect(loaded.map((m) => [m.version, m.name])).toEqual([
      [1, '001_a'],
      [2, '002_b'],
    ]);
  });

  it('refuses two migrations with one version, as two merged branches would leave them', async () => {
    await expect(loadMigrations(folder(['007_a.sql', '008_tokens.sql', '008_latest_scan.sql']))).rejects.toThrow(/two migrations share version 008/);
  });

  it('ships no two migrations with one version', async () => {
    const shipped = await loadMigrations();
    expect(new Set(shipped.map((m) => m.version)).size).toBe(shipped.length);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../adapters/postgres/migrate.ts';
import { openStore, type OpenedStore } from '../../adapters/postgres/open-store.ts';
import type { Patch } from '../../src/discovery/patch.ts';
import { availableEngines, freshPostgresUrl } from '../support/engines.ts';
import { insertPatchesBefore023 } from '../support/patches-before-023.ts';

/**
 * Migration 023 on both engines, over a catalog stored before it: the weakest claim starts from
 * the strongest, lowered by what the audit log kept of hosts that said less.
 */
const at = new Date('2026-03-01T00:00:00Z');
const patch = (id: string, title: string, severity: Patch['severity'], security = true): Patch => ({ id, title, severity, security, cves: [], rebootHint: false, firstSeen: at });

describe.each(availableEngines())('migration 023 on %s', (engine) => {
  let opened: OpenedStore | undefined;
  afterEach(async () => {
    await opened?.store.close();
    opened = undefined;
  });

  const before023 = async (): Promise<OpenedStore> => {
    opened = await openStore(engine === 'pglite' ? 'pglite://memory' : await freshPostgresUrl(), { migrate: false });
    await migrate(
      opened.sql,
      (await loadMigrations()).filter((m) => m.version < 23),
    );
    return opened;
  };

  it('starts the weakest claim from the stored one, lowered by the disagreements the audit log kept', async () => {
    const { sql, store } = await before023();
    await insertPatchesBefore023(sql, [
      patch('DSA-1-1', 'fix 1', 'critical'),
      patch('DSA-2-1', 'fix 2', 'important'),
      patch('DSA-3-1', 'fix 3', 'critical'),
      patch('DSA-4-1', 'fix 4', 'low', false),
    ]);
    const disagreed = (host: string, patches: unknown[]) =>
      store.audit.append({ actor: `host:${host}`, action: 'scan.disagreement', subject: host, data: { scanId: 's1', count: patches.length, patches } });
    await disagreed('web-01', [
      { patch: 'DSA-1-1', reported: { severity: 'moderate' }, catalog: { severity: 'critical' } },
      { patch: 'DSA-3-1', reported: { title: 'another' }, catalog: { title: 'fix 3' } },
    ]);
    await disagreed('web-02', [{ patch: 'DSA-1-1', reported: { severity: 'low', security: false }, catalog: { severity: 'critical', security: true } }]);
    // Not a disagreement: nothing to read from it.
    await store.audit.append({ actor: 'alice', action: 'change.proposed', subject: 'CHG-1', data: { patches: ['DSA-2-1'] } });
    expect((await migrate(sql, await loadMigrations())).applied[0]).toBe('023_host_claims');
    expect((await store.patches.list()).map((p) => [p.id, p.severity, p.security, p.floor])).toEqual([
      ['DSA-1-1', 'critical', true, { severity: 'low', security: false }],
      ['DSA-2-1', 'important', true, { severity: 'important', security: true }],
      ['DSA-3-1', 'critical', true, { severity: 'critical', security: true }],
      ['DSA-4-1', 'low', false, { severity: 'low', security: false }],
    ]);
  });

  it('rewrites titles that quote the facts of the host that reported first, as the parsers now title them, and leaves the others', async () => {
    const { sql, store } = await before023();
    await insertPatchesBefore023(sql, [
      patch('deb:openssl@3.0.13-1~deb12u1', 'openssl 3.0.11-1~deb12u1 → 3.0.13-1~deb12u1', 'important'),
      patch('deb:linux-image-6.1.0-18-amd64@6.1.76-1', 'linux-image-6.1.0-18-amd64 (new) → 6.1.76-1', 'important'),
      patch('RHSA-2024:3339', 'RHSA-2024:3339: Important security update for glibc, glibc-common, glibc-langpack-en', 'important'),
      patch('RHBA-2024:3316', 'RHBA-2024:3316: Bug fix update for tzdata', 'low', false),
      patch('rpm:vim-minimal@2:8.2.2637-20.el9_1', 'vim-minimal → 2:8.2.2637-20.el9_1', 'low', false),
      patch('KB5034441', '2024-01 Security Update for Windows Server 2022 for x64-based Systems (KB5034441)', 'important'),
      patch('DSA-5600-1', 'openssl security update for bookworm', 'critical'),
    ]);
    await migrate(sql, await loadMigrations());
    expect((await store.patches.list()).map((p) => [p.id, p.title])).toEqual([
      ['DSA-5600-1', 'openssl security update for bookworm'],
      ['KB5034441', '2024-01 Security Update for Windows Server 2022 for x64-based Systems (KB5034441)'],
      ['RHBA-2024:3316', 'RHBA-2024:3316: Bug fix update'],
      ['RHSA-2024:3339', 'RHSA-2024:3339: Important security update'],
      ['deb:linux-image-6.1.0-18-amd64@6.1.76-1', 'linux-image-6.1.0-18-amd64 → 6.1.76-1'],
      ['deb:openssl@3.0.13-1~deb12u1', 'openssl → 3.0.13-1~deb12u1'],
      ['rpm:vim-minimal@2:8.2.2637-20.el9_1', 'vim-minimal → 2:8.2.2637-20.el9_1'],
    ]);
  });
});

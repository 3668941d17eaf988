import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatSections } from '../../src/discovery/parsers/sections.ts';
import { scanHost } from '../../src/discovery/scan-host.ts';
import type { JobQueue } from '../../src/jobs/job-queue.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { type FreshStore, freshPglite } from '../support/engines.ts';
import { estateHost } from '../support/estate-scans.ts';

/**
 * From the Windows scan's JSON to the stored findings (outside review, finding 6): a cumulative
 * update that a newer one supersedes is no longer offered; it is installed only when Get-HotFix or
 * the Update Agent's history shows the host has it, superseded otherwise; a scan without the
 * history reads as before. The real parser, scanHost and the scan writer over a fresh PGlite.
 */
const day = (n: number) => new Date(Date.UTC(2026, 10, n, 12));
const update = (kb: string) => ({ Title: `2026-11 Cumulative Update (${kb})`, KB: [kb], Severity: 'Important', RebootRequired: true });
const windowsSays = (missing: string[], hotfixes: string[], history?: string[]) =>
  formatSections([
    [
      'windows-json',
      JSON.stringify({
        os: 'Microsoft Windows Server 2022 Standard 10.0.20348',
        installed: hotfixes.map((HotFixID) => ({ HotFixID })),
        missing: missing.map(update),
        rebootPending: false,
        ...(history ? { history, historyError: null } : {}),
      }),
    ],
  ]);

describe('a Windows scan tells installed from superseded by what the host shows it has', () => {
  let opened: FreshStore;
  beforeEach(async () => {
    opened = await freshPglite();
    await opened.store.hosts.sync([{ ...estateHost('win-01', 'prod-win'), os: 'windows' }]);
  });
  afterEach(() => opened.store.close());

  const scan = async (n: number, stdout: string) => {
    const queue = { send: async () => null } as unknown as JobQueue;
    await opened.store.scans.start(`s${n}`, 'test', ['win-01'], day(n));
    const result = await scanHost(
      { store: opened.store, queue, runScan: async () => ({ stdout }), log: createLogger({ level: 'silent' }), now: () => day(n) },
      { scanId: `s${n}`, host: 'win-01' },
    );
    expect(result.outcome).toBe('ok');
  };
  const findings = async () => (await opened.store.findings.byHost('win-01')).map((f) => [f.patchId, f.state, f.supersededBy ?? null]);

  it('a KB superseded before the host got it is superseded; one the history shows installed is installed', async () => {
    await scan(1, windowsSays(['KB5034441', 'KB5034500'], ['KB5000001'], []));
    await scan(5, windowsSays(['KB5036893'], ['KB5000001'], ['KB5034500']));
    expect(await findings()).toEqual([
      ['KB5034441', 'superseded', null],
      ['KB5034500', 'installed', null],
      ['KB5036893', 'missing', null],
    ]);
    // What the scan showed installed is kept with the host's scan (status answers read it).
    expect((await opened.store.scans.latestOf(['win-01']))[0]?.installed).toEqual(['KB5000001', 'KB5034500']);
  });

  it('a scan from before the history was printed closes a KB as installed, as it always did', async () => {
    await scan(1, windowsSays(['KB5034441'], ['KB5000001']));
    await scan(5, windowsSays(['KB5036893'], ['KB5000001']));
    expect(await findings()).toEqual([
      ['KB5034441', 'installed', null],
      ['KB5036893', 'missing', null],
    ]);
  });
});

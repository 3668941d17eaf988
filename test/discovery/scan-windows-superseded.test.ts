import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerMissing } from '../../src/chat/answers/missing.ts';
import { answerStatus } from '../../src/chat/answers/status.ts';
import { DAY_MS } from '../../src/compliance/policy.ts';
import { complianceHosts } from '../../src/compliance/report.ts';
import { formatSections } from '../../src/discovery/parsers/sections.ts';
import { scanHost } from '../../src/discovery/scan-host.ts';
import type { JobQueue } from '../../src/jobs/job-queue.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { type FreshStore, freshPglite } from '../support/engines.ts';
import { patchbotStore } from '../../src/patchbot-store.ts';
import { estateHost } from '../support/estate-scans.ts';

/**
 * From the Windows scan's JSON to the stored findings (outside review, finding 6): a cumulative
 * update that a newer one supersedes is no longer offered; it is installed only when Get-HotFix or
 * the Update Agent's history shows the host has it, superseded otherwise; a scan without the
 * history reads as before. With the UpdateIDs the scan now prints, the offered update whose
 * SupersededUpdateIDs name the old KB's is its successor and takes over its SLA clock. The real
 * parser, scanHost and the scan writer over a fresh PGlite, and the answers and compliance report over it.
 */
const day = (n: number) => new Date(Date.UTC(2026, 10, n, 12));
/** An offered update; with `ids` ([its UpdateID, …the UpdateIDs it supersedes]) as the scan prints them since it does. */
const update = (kb: string, ids?: readonly string[]) => ({
  Title: `2026-11 Cumulative Update (${kb})`,
  KB: [kb],
  Severity: 'Important',
  RebootRequired: true,
  ...(ids ? { UpdateID: ids[0], SupersededUpdateIDs: ids.slice(1) } : {}),
});
const windowsSays = (missing: (string | [string, string[]])[], hotfixes: string[], history?: string[]) =>
  formatSections([
    [
      'windows-json',
      JSON.stringify({
        os: 'Microsoft Windows Server 2022 Standard 10.0.20348',
        installed: hotfixes.map((HotFixID) => ({ HotFixID })),
        missing: missing.map((m) => (typeof m === 'string' ? update(m) : update(...m))),
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

  it('a KB superseded before the host got it names the KB superseding it, which takes over its clock: the host is overdue, and the answers say by what', async () => {
    const [jan, feb] = ['6a1c0b7e-2f4d-4e8a-9b3c-0d1e2f3a4b5c', 'E7D6C5B4-A392-4817-8F6E-5D4C3B2A1908'];
    await scan(
      1,
      windowsSays(
        [
          ['KB5034441', [jan]],
          ['KB5034500', ['0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b']],
        ],
        ['KB5000001'],
        [],
      ),
    );
    // 34 days later February's update supersedes January's, which the host never got.
    await scan(35, windowsSays([['KB5036893', [feb, '11111111-2222-4333-8444-555555555555', jan.toUpperCase()]]], ['KB5000001'], []));
    expect(await findings()).toEqual([
      ['KB5034441', 'superseded', 'KB5036893'],
      ['KB5034500', 'superseded', null],
      ['KB5036893', 'missing', null],
    ]);
    const now = new Date(day(40).getTime());
    const sla = { critical: 7 * DAY_MS, important: 30 * DAY_MS, moderate: 90 * DAY_MS, low: 180 * DAY_MS };
    const hosts = [];
    for await (const page of complianceHosts(patchbotStore(opened.store), { sla, now })) hosts.push(...page);
    // From January's first sighting: 39 days missing against a 30-day SLA.
    expect(hosts.map((h) => [h.host, h.status])).toEqual([['win-01', 'overdue']]);
    expect(hosts[0]!.oldestOverdue).toMatchObject({ patchId: 'KB5036893', clockStart: day(1), daysOverdue: 9 });

    const missing = await answerMissing(opened.store, { kind: 'missing', patch: 'KB5034441', target: 'win-01' }, now);
    expect(missing.card.text).toContain('superseded by KB5036893 on 1 host before it was seen installed');
    expect(missing.card.lists?.find((l) => l.heading === 'Superseded')?.items).toEqual(['win-01 (by KB5036893)']);
    const status = await answerStatus(opened.store, { kind: 'status', host: 'win-01' }, now);
    expect(status.card.lists?.[0]?.items).toEqual(['KB5036893 (important), supersedes KB5034441']);
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

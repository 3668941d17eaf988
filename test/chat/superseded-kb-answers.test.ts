import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerMissing } from '../../src/chat/answers/missing.ts';
import { answerStatus } from '../../src/chat/answers/status.ts';
import { type FreshStore, freshPglite } from '../support/engines.ts';
import { estateHost } from '../support/estate-scans.ts';

/**
 * What the answers say of a KB a newer cumulative update superseded before the host got it, when
 * the store names no successor (supersededBy absent: scans without UpdateIDs; the named case is in
 * test/discovery/scan-windows-superseded.test.ts), and no answer says installed, invents a
 * successor, or fails on the missing one.
 */
const now = new Date('2026-11-30T12:00:00Z');
const ago = (hours: number) => new Date(now.getTime() - hours * 3600_000);
const patch = (id: string) => ({ id, title: `Cumulative Update (${id})`, severity: 'important' as const, security: true, cves: [], rebootHint: true, firstSeen: ago(48) });
const OLD = 'KB5034441';
const NEW = 'KB5036893';

describe('answers about a superseded KB (PGlite store)', () => {
  let opened: FreshStore;
  beforeAll(async () => {
    opened = await freshPglite();
    const { store } = opened;
    const win = (name: string) => ({ ...estateHost(name, 'prod-win'), os: 'windows' as const });
    await store.hosts.sync([win('win-01'), win('win-02')]);
    await store.groups.sync([{ name: 'prod-win', production: true }]);
    await store.patches.upsert([patch(OLD), patch(NEW)]);
    for (const [scanId, at, findings, shown] of [
      ['s1', ago(48), [OLD], { 'win-01': [], 'win-02': [] }],
      // win-01 never got KB5034441; win-02 did (its history shows it).
      ['s2', ago(2), [NEW], { 'win-01': ['KB5000001'], 'win-02': ['KB5000001', OLD] }],
    ] as const) {
      await store.scans.start(scanId, 'test', ['win-01', 'win-02'], at);
      for (const [host, kbs] of Object.entries(shown)) {
        await store.scans.recordHost({ scanId, host, outcome: 'ok', startedAt: at, finishedAt: at, rebootRequired: false, installed: [...kbs] });
        await store.findings.record(
          scanId,
          host,
          findings.map((patchId) => ({ patchId, state: 'missing' as const })),
          at,
          kbs,
        );
      }
    }
  });
  afterAll(() => opened.store.close());

  it('`missing KB5034441`: superseded on one host by an update it does not name, installed on the other', async () => {
    const answer = await answerMissing(opened.store, { kind: 'missing', patch: OLD, target: 'prod-win' }, now);
    expect(answer.card.title).toBe(`${OLD} was superseded on 1 host in prod-win before it was seen installed there`);
    expect(answer.card.text).toContain('superseded by a newer update on 1 host before it was seen installed');
    expect(answer.card.lists?.find((l) => l.heading === 'Superseded')?.items).toEqual(['win-01 (by a newer update)']);
    expect(answer.card.text).toContain('installed on 1 host');
    expect(answer.data).toMatchObject({ counts: { missing: 0, installed: 1, superseded: 1 }, installed: ['win-02'], superseded: [{ host: 'win-01', by: null }] });
  });

  it('`status win-01`: the new update missing, nothing said to supersede what it does not name', async () => {
    const answer = await answerStatus(opened.store, { kind: 'status', host: 'win-01' }, now);
    expect(answer.card.lists?.[0]?.items).toEqual([`${NEW} (important)`]);
    expect(answer.data.missing).toEqual([{ patch: NEW, severity: 'important', state: 'missing' }]);
  });
});

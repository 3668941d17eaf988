import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerMissing } from '../../src/chat/answers/missing.ts';
import { answerStatus } from '../../src/chat/answers/status.ts';
import { type FreshStore, freshPglite } from '../support/engines.ts';
import { estateHost, scanAt } from '../support/estate-scans.ts';

/**
 * What the answers say of a package version the mirror replaced before the host got it: superseded
 * by the newer one, never installed; the newer one, missing, says what it supersedes.
 */
const now = new Date('2026-11-30T12:00:00Z');
const ago = (hours: number) => new Date(now.getTime() - hours * 3600_000);
const patch = (id: string) => ({ id, title: id, severity: 'important' as const, security: true, cves: [], rebootHint: false, firstSeen: ago(48) });
const OLD = 'deb:libbar1@1.1-1';
const NEW = 'deb:libbar1@1.2-1';

describe('answers about superseded versions (PGlite store)', () => {
  let opened: FreshStore;
  beforeAll(async () => {
    opened = await freshPglite();
    const { store } = opened;
    await store.hosts.sync([estateHost('web-01', 'prod-web'), estateHost('web-02', 'prod-web'), estateHost('web-03', 'prod-web')]);
    await store.groups.sync([{ name: 'prod-web', production: true }]);
    await store.patches.upsert([patch(OLD), patch(NEW)]);
    const old = { findings: [{ patchId: OLD, state: 'missing' as const, installed: '1.0-1' }] };
    await scanAt(store, 's1', ago(48), { 'web-01': old, 'web-02': old, 'web-03': old });
    // web-01 and web-02 still run 1.0-1 when 1.2-1 replaces 1.1-1; web-03 had installed 1.1-1.
    await scanAt(store, 's2', ago(2), {
      'web-01': { findings: [{ patchId: NEW, state: 'missing', installed: '1.0-1' }] },
      'web-02': { findings: [{ patchId: NEW, state: 'missing', installed: '1.0-1' }] },
      'web-03': { findings: [{ patchId: NEW, state: 'missing', installed: '1.1-1' }] },
    });
  });
  afterAll(() => opened.store.close());

  it('`missing 1.1-1`: superseded by 1.2-1 on two hosts, installed on one', async () => {
    const answer = await answerMissing(opened.store, { kind: 'missing', patch: OLD, target: 'prod-web' }, now);
    expect(answer.card.title).toBe(`${OLD} was superseded on 2 hosts in prod-web before it was seen installed there`);
    expect(answer.card.text).toContain('superseded by 1.2-1 on 2 hosts');
    expect(answer.card.fields).toEqual(
      expect.arrayContaining([
        { label: 'Installed', value: '1' },
        { label: 'Superseded', value: '2' },
      ]),
    );
    expect(answer.data).toMatchObject({
      counts: { missing: 0, installed: 1, superseded: 2 },
      installed: ['web-03'],
      superseded: [
        { host: 'web-01', by: NEW },
        { host: 'web-02', by: NEW },
      ],
    });
  });

  it('`status web-01`: 1.2-1 missing, and what it supersedes', async () => {
    const answer = await answerStatus(opened.store, { kind: 'status', host: 'web-01' }, now);
    expect(answer.card.lists?.[0]?.items).toEqual([`${NEW} (important), supersedes 1.1-1`]);
    expect(answer.data.missing).toEqual([{ patch: NEW, severity: 'important', state: 'missing', supersedes: [OLD] }]);
    const other = await answerStatus(opened.store, { kind: 'status', host: 'web-03' }, now);
    expect(other.card.lists?.[0]?.items).toEqual([`${NEW} (important)`]);
  });
});

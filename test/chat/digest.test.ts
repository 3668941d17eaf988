import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite } from '../support/engines.ts';
import { seedEstate } from '../support/seed.ts';
import type { Patch, Severity } from '../../src/discovery/patch.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import { Card, CARD_LIMITS } from '../../src/chat/card.ts';
import { cardProblems } from '../../src/chat/card-limits.ts';
import { buildDigest } from '../../src/chat/announce/build-digest.ts';
import { DIGEST_HOSTS_SHOWN, type DigestHosts, digestCard, hostSummary } from '../../src/chat/announce/digest-card.ts';

const severities: Severity[] = ['low', 'important', 'critical', 'moderate', 'unknown'];
const patch = (i: number, severity: Severity = severities[i % severities.length]!): Patch => ({
  id: `DSA-${5000 + i}-1`,
  title: `package-${i} security update fixing several issues in a rather long advisory title that goes on`,
  severity,
  security: true,
  cves: [],
  rebootHint: false,
  firstSeen: new Date('2024-05-01T00:00:00Z'),
});
const options = { scanId: 'scan-7', freshness: 'Scan scan-7: 40 of 40 hosts reached.' };

/** What the store's `needing` would return for these host lists. */
const counted = (affected: Map<string, string[]>): DigestHosts => ({
  byPatch: new Map([...affected].map(([id, hosts]) => [id, { count: hosts.length, first: [...hosts].sort().slice(0, DIGEST_HOSTS_SHOWN) }])),
  hosts: new Set([...affected.values()].flat()).size,
});

describe('digestCard', () => {
  it('keeps 500 new patches on 40 hosts within every card limit', () => {
    const patches = Array.from({ length: 500 }, (_, i) => patch(i));
    const hosts = Array.from({ length: 40 }, (_, j) => `host-${String(j).padStart(2, '0')}.example.internal`);
    const card = digestCard(patches, counted(new Map(patches.map((p) => [p.id, hosts]))), options);
    expect(Card.safeParse(card).success).toBe(true);
    expect(cardProblems(card)).toEqual([]);
    expect(card.title).toBe('500 new patches found');
    expect(card.text).toBe('Scan `scan-7` discovered 500 patches (100 critical, 100 important, 100 moderate, 100 low, 100 unknown) needed on 40 hosts.');
    expect(card.sections?.map((s) => s.heading)).toEqual(['Critical (100)', 'Important (100)', 'Moderate (100)', 'Low (100)', 'Unknown (100)']);
    const critical = card.sections?.[0]?.lists?.[0];
    expect(critical?.items.length).toBeLessThanOrEqual(CARD_LIMITS.listItems);
    expect(critical?.items[0]).toMatch(
      /^`DSA-\d+-1` package-\d+ .*\[security\] — 40 hosts \(host-00\.example\.internal, host-01\.example\.internal, host-02\.example\.internal, \+37 more\)$/,
    );
    expect(critical?.more).toMatch(/^\+\d+ more — /);
    expect(card.actions?.map((a) => [a.id, a.label, a.value])).toEqual([
      ['digest.propose', 'Propose rollout', 'scan:scan-7'],
      ['digest.defer', 'Defer', 'scan:scan-7'],
    ]);
    expect(card.context).toBe(options.freshness);
    expect(card.threadKey).toBe('scan:scan-7');
  });

  it('puts critical first and the most widespread patch first within a severity', () => {
    const patches = [patch(1, 'low'), patch(2, 'critical'), patch(3, 'critical')];
    const card = digestCard(
      patches,
      counted(
        new Map([
          ['DSA-5003-1', ['a', 'b']],
          ['DSA-5002-1', ['a']],
        ]),
      ),
      options,
    );
    expect(card.sections?.map((s) => s.heading)).toEqual(['Critical (2)', 'Low (1)']);
    expect(card.sections?.[0]?.lists?.[0]?.items.map((l) => l.split(' ')[0])).toEqual(['`DSA-5003-1`', '`DSA-5002-1`']);
    expect(card.sections?.[1]?.lists?.[0]?.items[0]).toMatch(/no host needs it yet$/);
  });

  it('summarises hosts: a few names, then +N more', () => {
    expect(hostSummary({ count: 1, first: ['a'] })).toBe('1 host (a)');
    expect(hostSummary({ count: 5, first: ['a', 'b', 'c'] })).toBe('5 hosts (a, b, c, +2 more)');
    expect(hostSummary({ count: 40_000, first: ['a', 'b', 'c'] })).toBe('40,000 hosts (a, b, c, +39997 more)');
    expect(hostSummary({ count: 0, first: [] })).toBe('no host needs it yet');
  });
});

describe('buildDigest', () => {
  let opened: Awaited<ReturnType<typeof freshPglite>>;
  let store: PatchbotStore;
  const at = new Date('2024-05-01T03:00:00Z');
  beforeAll(async () => {
    opened = await freshPglite();
    store = opened.store;
    await seedEstate(store);
  });
  afterAll(async () => opened?.store.close());

  it("builds the card from the scan's new patches and their findings, or null when nothing is new", async () => {
    await store.scans.start('scan-1', 'schedule', ['web-01', 'stg-01'], at);
    await store.patches.upsert([patch(1, 'critical'), patch(2, 'moderate'), { ...patch(3, 'low'), id: 'KB5034441' }], 'scan-1');
    await store.findings.record(
      'scan-1',
      'web-01',
      [
        { patchId: 'DSA-5001-1', state: 'missing' },
        { patchId: 'DSA-5002-1', state: 'installed' },
      ],
      at,
    );
    await store.findings.record('scan-1', 'stg-01', [{ patchId: 'DSA-5001-1', state: 'failed' }], at);
    await store.scans.recordHost({ scanId: 'scan-1', host: 'web-01', outcome: 'ok', startedAt: at, finishedAt: at });
    await store.scans.recordHost({ scanId: 'scan-1', host: 'stg-01', outcome: 'unreachable', startedAt: at, finishedAt: at });

    const card = await buildDigest(store, 'scan-1');
    expect(card).not.toBeNull();
    expect(card?.title).toBe('2 new patches found');
    expect(card?.text).toBe('Scan `scan-1` discovered 2 patches (1 critical, 1 moderate) needed on 2 hosts.');
    expect(card?.sections?.map((s) => s.heading)).toEqual(['Critical (1)', 'Moderate (1)']);
    expect(card?.sections?.[0]?.lists?.[0]?.items[0]).toMatch(/— 2 hosts \(stg-01, web-01\)$/);
    expect(card?.sections?.[1]?.lists?.[0]?.items[0]).toMatch(/no host needs it yet$/);
    expect(card?.context).toBe('Scan scan-1: 1 of 2 hosts reached, 1 unreachable; finished 2024-05-01 03:00 UTC.');

    await store.scans.start('scan-2', 'schedule', ['web-01'], at);
    expect(await buildDigest(store, 'scan-2')).toBeNull();
  });
});

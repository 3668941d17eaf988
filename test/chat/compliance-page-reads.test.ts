import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerCompliance } from '../../src/chat/answers/compliance.ts';
import type { ComplianceStore } from '../../src/compliance/report.ts';
import { SLA } from '../support/compliance-cases.ts';
import { type FreshStore, freshPglite } from '../support/engines.ts';
import { scanAt, syncGroupOf } from '../support/estate-scans.ts';

/**
 * `patchbot ask compliance --page N --json`: the card is page N, the JSON the first page's summary
 * (it is the same whatever the page). Both come from one read of the report, on a real store: the
 * answer used to read the whole overview a second time for page 1's summary.
 */
const PATCH = 'KB5034441';
const NAMES = Array.from({ length: 20 }, (_, i) => `node-${String(i + 1).padStart(2, '0')}`);
const now = new Date();
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
const intent = { kind: 'compliance' as const, standard: null, target: null };

let opened: FreshStore;
beforeAll(async () => {
  opened = await freshPglite();
  const { store } = opened;
  await syncGroupOf(store, 'web', NAMES);
  // Last scanned 40 days ago: every host is unknown (a list of 20, two pages).
  await store.patches.upsert([{ id: PATCH, title: 'Windows Recovery Environment update', severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: daysAgo(41) }]);
  await scanAt(store, 'scan-1', daysAgo(40), Object.fromEntries(NAMES.map((n) => [n, { findings: [{ patchId: PATCH, state: 'missing' as const }] }])));
}, 60_000);
afterAll(async () => {
  await opened?.store.close();
});

/** The real store's compliance reads, counted. */
const counting = () => {
  const reads: string[] = [];
  const { compliance } = opened.store;
  const store: ComplianceStore = {
    groups: opened.store.groups,
    compliance: {
      overview: (...args) => (reads.push('overview'), compliance.overview(...args)),
      hostPage: (...args) => (reads.push('hostPage'), compliance.hostPage(...args)),
      hostsNamed: (...args) => (reads.push('hostsNamed'), compliance.hostsNamed(...args)),
    },
  };
  return { store, reads };
};

describe('compliance --page N on the CLI', () => {
  it("reads the report once: page N's card and the first page's summary", async () => {
    const first = counting();
    const one = await answerCompliance(first.store, SLA, intent, now, { page: 1, surface: 'cli' });
    expect(first.reads).toEqual(['overview', 'hostsNamed']);

    const second = counting();
    const two = await answerCompliance(second.store, SLA, intent, now, { page: 2, surface: 'cli' });
    expect(second.reads).toEqual(['overview', 'hostsNamed']);
    // The JSON is page 1's; the card is page 2's.
    expect(two.data).toEqual(one.data);
    expect((two.data as { lines: string[] }).lines.join('\n')).toContain('Unknown: node-01');
    const unknown = (answer: typeof one) => answer.card.lists?.find((l) => l.heading?.startsWith('Unknown'))?.items.map((i) => i.split(':')[0]);
    expect(unknown(one)).toEqual(NAMES.slice(0, 15));
    expect(unknown(two)).toEqual(NAMES.slice(15));
  });
});

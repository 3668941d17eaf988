import { expect, it } from 'vitest';
import type { OpenedStore } from '../adapters/postgres/open-store.ts';
import type { Patch } from '../src/discovery/patch.ts';
import { ScanWriter } from '../src/discovery/scan-writer.ts';
import type { StorageEngine } from '../src/patchbot-store.ts';
import { storeContract } from './support/store-contract.ts';
import { okScan } from './support/host-scan.ts';

/**
 * The store contract, continued: what the catalog keeps of hosts that disagree about a patch, on
 * every engine, through the scan writer (the write path every scan takes). One host calls
 * `deb:openssl@3.0.15-1` critical and security, another moderate and not: the catalog warns by the
 * strongest claim and grants pre-approval by the weakest (src/discovery/catalog-merge.ts),
 * whichever came first, in one batch or two, from one process or two, one at a time or at once.
 */

const PATCH = 'deb:openssl@3.0.15-1';
const at = new Date('2026-03-01T00:00:00Z');
const claim = (severity: Patch['severity'], security: boolean): Patch => ({ id: PATCH, title: 'openssl → 3.0.15-1', severity, security, cves: [], rebootHint: false, firstSeen: at });
const CLAIMS: Record<string, Patch> = { liar: claim('critical', true), honest: claim('moderate', false) };
const write = (scanId: string, host: string) => ({ result: okScan(scanId, host, at), patches: [CLAIMS[host]!], findings: [{ patchId: PATCH, state: 'missing' as const }] });

/** How the two reports reach the store: each writer is a process of its own (its own memory of what it stored). */
const WAYS: Record<string, (store: StorageEngine, hosts: string[]) => Promise<unknown>> = {
  'one process, one batch each': async (store, hosts) => {
    const writer = new ScanWriter(store, { maxDelayMs: 1 });
    for (const host of hosts) await writer.record(write('s1', host));
  },
  'one process, one batch for both': async (store, hosts) => {
    const writer = new ScanWriter(store, { maxDelayMs: 20 });
    await Promise.all(hosts.map((host) => writer.record(write('s1', host))));
  },
  'two replicas, one after the other': async (store, hosts) => {
    for (const host of hosts) await new ScanWriter(store, { maxDelayMs: 1 }).record(write('s1', host));
  },
  'two replicas at once': (store, hosts) => Promise.all(hosts.map((host) => new ScanWriter(store, { maxDelayMs: 1 }).record(write('s1', host)))),
};
const ORDERS: Record<string, string[]> = { 'the liar first': ['liar', 'honest'], 'the liar second': ['honest', 'liar'] };
const CASES = Object.keys(WAYS).flatMap((way) => Object.keys(ORDERS).map((order) => [way, order] as const));

storeContract('store contract (claims of disagreeing hosts)', (opened: OpenedStore) => {
  it.each(CASES)('%s, %s: the catalog warns by the strongest claim and grants by the weakest', async (way, order) => {
    const { store } = opened;
    await store.scans.start('s1', 'test', ['liar', 'honest'], at);
    await WAYS[way]!(store, ORDERS[order]!);
    const stored = { severity: 'critical', security: true, floor: { severity: 'moderate', security: false } };
    expect(await store.patches.get(PATCH)).toMatchObject(stored);
    expect(await store.patches.byIds([PATCH])).toMatchObject([stored]);
    expect((await store.patches.list()).map((p) => [p.id, p.floor])).toEqual([[PATCH, stored.floor]]);
    expect(await store.patches.firstSeenIn('s1')).toMatchObject([stored]);
  });

  it('lowers the weakest claim only: later agreeing, stronger and weaker reports, from a process that remembers the patch and from one that does not', async () => {
    const { store } = opened;
    const floor = async () => (await store.patches.get(PATCH))?.floor;
    await store.scans.start('s1', 'test', ['a', 'b', 'c', 'd'], at);
    const scan = (host: string, p: Patch) => ({ result: okScan('s1', host, at), patches: [p], findings: [{ patchId: PATCH, state: 'missing' as const }] });
    const first = new ScanWriter(store, { maxDelayMs: 1 });
    await first.record(scan('a', claim('important', true)));
    expect(await floor()).toEqual({ severity: 'important', security: true });
    await first.record(scan('b', claim('critical', true)));
    expect(await floor()).toEqual({ severity: 'important', security: true });
    // A weaker report to the process that stored the stronger claim itself: it reaches the store.
    await first.record(scan('c', claim('low', true)));
    expect(await floor()).toEqual({ severity: 'low', security: true });
    // And to a process that remembers nothing (another replica, or after a restart).
    await new ScanWriter(store, { maxDelayMs: 1 }).record(scan('d', claim('moderate', false)));
    expect(await floor()).toEqual({ severity: 'low', security: false });
    expect(await store.patches.get(PATCH)).toMatchObject({ severity: 'critical', security: true });
    // The table refuses a weakest claim above the strongest, whatever writes it (migration 023).
    await expect(opened.sql.query(`update patches set severity_floor = 'critical', severity = 'low' where id = $1`, [PATCH])).rejects.toThrow(/patches_floor_below_strongest/);
    await expect(opened.sql.query(`update patches set security_floor = true, security = false where id = $1`, [PATCH])).rejects.toThrow(/patches_floor_below_strongest/);
  });
});

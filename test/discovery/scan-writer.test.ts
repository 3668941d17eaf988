import { afterEach, describe, expect, it } from 'vitest';
import type { OpenedStore } from '../../adapters/postgres/open-store.ts';
import { freshPglite } from '../support/engines.ts';
import type { HostScanWrite } from '../../src/discovery/discovery-store.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import type { Patch } from '../../src/discovery/patch.ts';
import type { StoredPatch } from '../../src/discovery/scan-deps.ts';
import { ScanWriter } from '../../src/discovery/scan-writer.ts';
import { okScan } from '../support/host-scan.ts';

const at = new Date('2024-06-01T00:00:00Z');
const patch = (id: string, title = `fix ${id}`): Patch => ({ id, title, severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: at });
const write = (scanId: string, host: string, patches: Patch[]) => ({
  result: okScan(scanId, host, at),
  patches,
  findings: patches.map((p) => ({ patchId: p.id, state: 'missing' as const })),
});

/** The store, with a log of the batch writes and patch upserts that reach it. */
const spied = (store: PatchbotStore) => {
  const batches: string[][] = [];
  const upserts: string[][] = [];
  const spy = (target: PatchbotStore): PatchbotStore => ({
    ...target,
    scans: {
      ...target.scans,
      recordMany: async (writes: HostScanWrite[]) => {
        batches.push(writes.map((w) => w.result.host));
        return target.scans.recordMany(writes);
      },
    },
    patches: {
      ...target.patches,
      upsert: async (patches: Patch[], scanId?: string) => {
        upserts.push(patches.map((p) => p.id));
        return target.patches.upsert(patches, scanId);
      },
    },
    transaction: (work) => target.transaction((tx) => work(spy(tx))),
  });
  return { store: spy(store), batches, upserts };
};

const opened: OpenedStore[] = [];
afterEach(async () => {
  while (opened.length) await opened.pop()!.store.close();
});
const fresh = async () => {
  const store = await freshPglite();
  opened.push(store);
  return store.store;
};

describe('the scan write buffer', () => {
  it('stores the hosts that finish together in one transaction, committed before any of them resolves', async () => {
    const store = await fresh();
    await store.scans.start('s1', 'test', ['a', 'b', 'c'], at);
    const { store: watched, batches, upserts } = spied(store);
    const writer = new ScanWriter(watched, { maxDelayMs: 5, now: () => at });
    const outcomes = await Promise.all([
      writer.record(write('s1', 'a', [patch('DSA-1-1'), patch('DSA-2-1')])),
      writer.record(write('s1', 'b', [patch('DSA-2-1'), patch('DSA-3-1')])),
      writer.record({ result: { scanId: 's1', host: 'c', outcome: 'unreachable', error: 'c: refused', startedAt: at, finishedAt: at } }),
    ]);
    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(upserts).toEqual([['DSA-1-1', 'DSA-2-1', 'DSA-3-1']]);
    // Each new patch is reported once, by the first host that saw it; the last write finished the scan.
    expect(outcomes).toEqual([
      { fresh: ['DSA-1-1', 'DSA-2-1'], finished: false },
      { fresh: ['DSA-3-1'], finished: false },
      { fresh: [], finished: true },
    ]);
    expect((await store.findings.byHost('b')).map((f) => f.patchId)).toEqual(['DSA-2-1', 'DSA-3-1']);
    expect(await store.scans.progress('s1')).toMatchObject({ done: 3, ok: 2, unreachable: 1, finishedAt: at });
  });

  it('asks the store only about patches it has not stored as they are', async () => {
    const store = await fresh();
    await store.scans.start('s1', 'test', ['a', 'b', 'c'], at);
    const { store: watched, upserts } = spied(store);
    const storedPatches = new Map<string, StoredPatch>();
    const writer = new ScanWriter(watched, { maxDelayMs: 1, storedPatches });
    await writer.record(write('s1', 'a', [patch('DSA-1-1'), patch('DSA-2-1')]));
    await writer.record(write('s1', 'b', [patch('DSA-1-1'), patch('DSA-2-1')]));
    expect(upserts).toEqual([['DSA-1-1', 'DSA-2-1']]);
    expect([...storedPatches.keys()]).toEqual(['DSA-1-1', 'DSA-2-1']);
    // A host that titles one otherwise changes nothing in the catalog (the first title stays); a
    // host that adds a CVE makes it stronger, so only that one goes to the store again.
    expect(await writer.record(write('s1', 'c', [{ ...patch('DSA-1-1'), cves: ['CVE-2024-1234'] }, patch('DSA-2-1', 'fix DSA-2-1 (revised)')]))).toEqual({ fresh: [], finished: true });
    expect(upserts).toEqual([['DSA-1-1', 'DSA-2-1'], ['DSA-1-1']]);
    expect((await store.patches.get('DSA-2-1'))?.title).toBe('fix DSA-2-1');
    expect((await store.patches.get('DSA-1-1'))?.cves).toEqual(['CVE-2024-1234']);
  });

  it('remembers a bounded number of stored patches, so a host inventing new ids in every scan does not grow the process', async () => {
    const store = await fresh();
    const { store: watched, upserts } = spied(store);
    const storedPatches = new Map<string, StoredPatch>();
    const writer = new ScanWriter(watched, { maxDelayMs: 1, storedPatches, maxStoredPatches: 4 });
    const invented = (scan: number) => Array.from({ length: 3 }, (_, i) => patch(`deb:fake${scan}-${i}@1.0-1`));
    for (let scan = 1; scan <= 3; scan++) {
      await store.scans.start(`s${scan}`, 'test', ['evil'], at);
      await writer.record(write(`s${scan}`, 'evil', invented(scan)));
    }
    // The newest four are remembered; the store holds all nine.
    expect([...storedPatches.keys()]).toEqual(['deb:fake2-2@1.0-1', 'deb:fake3-0@1.0-1', 'deb:fake3-1@1.0-1', 'deb:fake3-2@1.0-1']);
    expect(await store.patches.byIds(invented(1).map((p) => p.id))).toHaveLength(3);
    // A forgotten patch reported again is asked about again, as after a restart, and stays as stored.
    await store.scans.start('s4', 'test', ['a'], at);
    expect(await writer.record(write('s4', 'a', [patch('deb:fake1-0@1.0-1', 'another title'), patch('deb:fake3-2@1.0-1')]))).toEqual({ fresh: [], finished: true });
    expect(upserts.at(-1)).toEqual(['deb:fake1-0@1.0-1']);
    expect((await store.patches.get('deb:fake1-0@1.0-1'))?.title).toBe('fix deb:fake1-0@1.0-1');
    expect(storedPatches.size).toBe(4);
  });

  it('never lets one host weaken the catalog: severity, security flag and title stay the strongest, the disagreement is kept with the host', async () => {
    const store = await fresh();
    await store.scans.start('s1', 'test', ['good', 'evil', 'late'], at);
    const writer = new ScanWriter(store, { maxDelayMs: 1, storedPatches: new Map() });
    await writer.record(write('s1', 'good', [patch('DSA-5600-1', 'openssl security update')]));
    const relabelled: Patch = { ...patch('DSA-5600-1', 'cosmetic rebuild, no security impact'), severity: 'low', security: false };
    await writer.record(write('s1', 'evil', [relabelled]));
    expect(await store.patches.get('DSA-5600-1')).toMatchObject({ title: 'openssl security update', severity: 'important', security: true });
    // What the host said is its own fact: in the audit log, under the host.
    const events = [];
    for await (const event of store.audit.read()) if (event.action === 'scan.disagreement') events.push(event);
    expect(events).toEqual([
      expect.objectContaining({
        actor: 'host:evil',
        subject: 'evil',
        data: {
          scanId: 's1',
          count: 1,
          patches: [
            {
              patch: 'DSA-5600-1',
              reported: { title: 'cosmetic rebuild, no security impact', severity: 'low', security: false },
              catalog: { title: 'openssl security update', severity: 'important', security: true },
            },
          ],
        },
      }),
    ]);
    // Another process (no memory of what was stored) is held to the same rule by the store itself;
    // a stronger report still raises the catalog.
    const other = new ScanWriter(store, { maxDelayMs: 1, storedPatches: new Map() });
    await other.record(write('s1', 'late', [relabelled]));
    expect(await store.patches.get('DSA-5600-1')).toMatchObject({ title: 'openssl security update', severity: 'important', security: true });
    await other.record(write('s1', 'late', [{ ...relabelled, severity: 'critical' }]));
    expect(await store.patches.get('DSA-5600-1')).toMatchObject({ severity: 'critical', security: true });
    // The hosts' findings are each host's own: all three miss the patch.
    for (const host of ['good', 'evil', 'late']) expect((await store.findings.byHost(host)).map((f) => f.patchId)).toEqual(['DSA-5600-1']);
  });

  it('sends a claim weaker than any it stored to the store, and nothing when the hosts agree', async () => {
    const store = await fresh();
    await store.scans.start('s1', 'test', ['a', 'b', 'c', 'd', 'e'], at);
    const { store: watched, upserts } = spied(store);
    const writer = new ScanWriter(watched, { maxDelayMs: 1 });
    const said = (severity: Patch['severity'], security: boolean): Patch => ({ ...patch('DSA-1-1'), severity, security });
    await writer.record(write('s1', 'a', [said('moderate', false)]));
    await writer.record(write('s1', 'b', [said('critical', true)]));
    // Agreeing with what it stored, or weaker than the strongest claim and not below the weakest:
    // no question to the store (the second is audited as a disagreement, as before).
    await writer.record(write('s1', 'c', [said('critical', true)]));
    await writer.record(write('s1', 'd', [said('moderate', true)]));
    expect(upserts).toEqual([['DSA-1-1'], ['DSA-1-1']]);
    // Below the weakest claim it stored: the store lowers it.
    await writer.record(write('s1', 'e', [said('low', false)]));
    expect(upserts).toHaveLength(3);
    expect(await store.patches.get('DSA-1-1')).toMatchObject({ severity: 'critical', security: true, floor: { severity: 'low', security: false } });
    // "Not security" alone is weaker too.
    await store.scans.start('s2', 'test', ['a', 'b'], at);
    await writer.record(write('s2', 'a', [{ ...patch('DSA-2-1'), severity: 'important', security: true }]));
    await writer.record(write('s2', 'b', [{ ...patch('DSA-2-1'), severity: 'important', security: false }]));
    expect(upserts.slice(3)).toEqual([['DSA-2-1'], ['DSA-2-1']]);
    expect(await store.patches.get('DSA-2-1')).toMatchObject({ severity: 'important', security: true, floor: { severity: 'important', security: false } });
  });

  it('retries a failed batch host by host, so that only the bad host fails', async () => {
    const store = await fresh();
    await store.scans.start('s1', 'test', ['a', 'b', 'c'], at);
    await store.patches.upsert([patch('DSA-1-1')]);
    const { store: watched, batches } = spied(store);
    const writer = new ScanWriter(watched, { maxDelayMs: 5 });
    // b's finding names a patch that neither it nor the store has: the store refuses it.
    const bad = { result: okScan('s1', 'b', at), patches: [], findings: [{ patchId: 'DSA-9-1', state: 'missing' as const }] };
    const settled = await Promise.allSettled([writer.record(write('s1', 'a', [patch('DSA-1-1')])), writer.record(bad), writer.record(write('s1', 'c', [patch('DSA-1-1')]))]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batches).toEqual([['a', 'b', 'c'], ['a'], ['b'], ['c']]);
    expect((await store.scans.results('s1')).map((r) => r.host)).toEqual(['a', 'c']);
    expect(await store.findings.byHost('b')).toEqual([]);
  });

  it('stores again a patch it remembers as stored that housekeeping has deleted since', async () => {
    const store = await fresh();
    const { store: watched, upserts } = spied(store);
    const writer = new ScanWriter(watched, { maxDelayMs: 1, storedPatches: new Map() });
    await store.scans.start('s1', 'test', ['a', 'b'], at);
    await writer.record(write('s1', 'a', [patch('DSA-1-1')]));
    // a installs it; its finding becomes history, and then the patch nothing names any more.
    await writer.record({ result: okScan('s1', 'a', at), patches: [], findings: [] });
    const later = new Date(at.getTime() + 86_400_000);
    expect(await store.findings.pruneInstalled(later)).toBe(1);
    expect(await store.patches.pruneUnreferenced(later)).toBe(1);
    // b reports it while this process still remembers it: refused once, stored again, as new.
    expect(await writer.record(write('s1', 'b', [patch('DSA-1-1')]))).toEqual({ fresh: ['DSA-1-1'], finished: true });
    expect(upserts).toEqual([['DSA-1-1'], ['DSA-1-1']]);
    expect((await store.findings.byHost('b')).map((f) => [f.patchId, f.state])).toEqual([['DSA-1-1', 'missing']]);
  });

  it('keeps a second write of the same host for the next transaction, so the later one wins', async () => {
    const store = await fresh();
    await store.scans.start('s1', 'test', ['a'], at);
    await store.scans.start('s2', 'test', ['a'], at);
    const { store: watched, batches } = spied(store);
    const writer = new ScanWriter(watched, { maxDelayMs: 5 });
    const outcomes = await Promise.all([writer.record(write('s1', 'a', [patch('DSA-1-1')])), writer.record(write('s2', 'a', [patch('DSA-2-1')]))]);
    expect(batches).toEqual([['a'], ['a']]);
    expect(outcomes.map((o) => o.finished)).toEqual([true, true]);
    expect((await store.findings.byHost('a')).map((f) => [f.patchId, f.state, f.scanId])).toEqual([
      ['DSA-1-1', 'installed', 's2'],
      ['DSA-2-1', 'missing', 's2'],
    ]);
  });
});

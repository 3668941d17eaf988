import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerMissing } from '../../src/chat/answers/missing.ts';
import { Config } from '../../src/config/schema.ts';
import { proposeChange } from '../../src/changes/propose-change.ts';
import type { Patch } from '../../src/discovery/patch.ts';
import { type FreshStore, freshPglite } from '../support/engines.ts';
import { syncGroupOf } from '../support/estate-scans.ts';
import { recordedCalls } from '../support/recorded-calls.ts';

/**
 * An unknown patch id, asked about or proposed, gets the nearest known ids from a bounded read
 * (PatchRepository.suggestions), never from the whole catalog; a proposal checks its patches in
 * one read, however many it carries.
 */
const patch = (id: string): Patch => ({ id, title: id, severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: new Date() });
const KNOWN = ['KB5034441', 'deb:curl@7.88.1-10+deb12u5', 'deb:curl@7.88.1-10+deb12u6', 'deb:openssl@3.0.13-1~deb12u1'];

let opened: FreshStore;
beforeAll(async () => {
  opened = await freshPglite();
  await opened.store.patches.upsert(KNOWN.map(patch));
  await syncGroupOf(opened.store, 'web', ['web-01']);
});
afterAll(async () => opened?.store.close());

/** The default approval rules, as a config without an `approval` section has them. */
const { approval } = Config.parse({});

const catalogReads = (calls: { call: string }[]) => calls.map((c) => c.call).filter((c) => c.startsWith('patches.'));

describe('an unknown patch', () => {
  it('asked about: the nearest ids and the versions of a package, without reading the catalog', async () => {
    const { store, calls } = recordedCalls(opened.store);
    const now = new Date();
    await expect(answerMissing(store, { kind: 'missing', patch: 'KB5034442', target: null }, now)).rejects.toMatchObject({ suggestions: ['KB5034441'] });
    await expect(answerMissing(store, { kind: 'missing', patch: 'curl', target: null }, now)).rejects.toMatchObject({
      suggestions: ['deb:curl@7.88.1-10+deb12u5', 'deb:curl@7.88.1-10+deb12u6'],
    });
    // One version of the package: that is the patch.
    expect((await answerMissing(store, { kind: 'missing', patch: 'openssl', target: null }, now)).data.patch).toMatchObject({ id: 'deb:openssl@3.0.13-1~deb12u1' });
    expect(catalogReads(calls)).toEqual(['patches.get', 'patches.suggestions', 'patches.get', 'patches.suggestions', 'patches.get', 'patches.suggestions', 'patches.get']);
  });

  it('proposed: one read checks every patch, and the nearest ids come from the bounded read', async () => {
    const { store, calls } = recordedCalls(opened.store);
    const input = { targets: ['web'], class: 'normal' as const, requester: 'schedule:test' };
    await expect(proposeChange(store, { approval, windows: [] }, { ...input, patches: ['KB5034441', 'KB5034442'] })).rejects.toMatchObject({ code: 'not-found', suggestions: ['KB5034441'] });
    expect(catalogReads(calls)).toEqual(['patches.byIds', 'patches.suggestions']);
  });
});

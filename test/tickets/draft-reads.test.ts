import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Config } from '../../src/config/schema.ts';
import { loadPlaybooks } from '../../src/playbooks/load-playbooks.ts';
import { ticketDraftOf } from '../../src/tickets/ticket-draft-of.ts';
import { type FreshStore, freshPglite } from '../support/engines.ts';
import { syncGroupOf } from '../support/estate-scans.ts';
import { recordedCalls } from '../support/recorded-calls.ts';
import { change } from '../support/store-contract.ts';

/**
 * A ticket's description names every patch of its change with the catalog's title and severity,
 * read in one query however many the change carries (a digest's change can carry thousands).
 */
const at = new Date('2026-12-01T22:00:00Z');
let opened: FreshStore;
beforeAll(async () => {
  opened = await freshPglite();
  await syncGroupOf(opened.store, 'web', ['web-01', 'web-02']);
  await opened.store.patches.upsert([
    { id: 'DSA-5600-1', title: 'openssl security update', severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: at },
    { id: 'KB5034441', title: 'Windows Recovery Environment update', severity: 'critical', security: true, cves: [], rebootHint: false, firstSeen: at },
  ]);
});
afterAll(async () => opened?.store.close());

it("describes the change's patches in its order from one read of the catalog", async () => {
  const { store, calls } = recordedCalls(opened.store);
  const catalog = await loadPlaybooks(join(import.meta.dirname, '..', '..', 'playbooks'));
  const draft = await ticketDraftOf({ store, config: Config.parse({}), catalog }, change('CHG-7', { patches: ['KB5034441', 'DSA-9999-1', 'DSA-5600-1'], targets: ['web'], plan: null }), at);
  // A patch the catalog does not hold is named by its id alone.
  expect(draft.description).toContain(
    'Patches:\nKB5034441: Windows Recovery Environment update (critical, security)\nDSA-9999-1\nDSA-5600-1: openssl security update (important, security)\n',
  );
  expect(calls.map((c) => c.call).filter((c) => c.startsWith('patches.'))).toEqual(['patches.byIds']);
});

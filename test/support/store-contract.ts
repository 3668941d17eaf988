import { afterEach, beforeEach, describe } from 'vitest';
import type { OpenedStore } from '../../adapters/postgres/open-store.ts';
import type { Change } from '../../src/changes/change.ts';
import type { Patch } from '../../src/discovery/patch.ts';
import type { Host } from '../../src/inventory/host.ts';
import { availableEngines, openFresh } from './engines.ts';

/**
 * The store contract's frame (DESIGN §7): `tests` run once per engine, each test on a database of
 * its own. `opened` is that test's store: read it inside a test, after beforeEach has opened it.
 */
export const storeContract = (title: string, tests: (opened: OpenedStore) => void): void =>
  describe.each(availableEngines())(`${title} on %s`, (engine) => {
    let current: OpenedStore | undefined;
    beforeEach(async () => {
      current = await openFresh(engine);
    });
    afterEach(async () => {
      await current?.store.close();
    });
    tests(new Proxy({} as OpenedStore, { get: (_target, key) => current![key as keyof OpenedStore] }));
  });

export const host = (name: string, extra: Partial<Host> = {}): Host => ({
  name,
  address: '127.0.0.1',
  port: 22,
  user: 'root',
  os: 'debian',
  groups: ['web'],
  tags: { env: 'prod' },
  connection: 'ssh',
  ...extra,
});
export const patch = (id: string, severity: Patch['severity'] = 'important'): Patch => ({
  id,
  title: `fix ${id}`,
  severity,
  security: true,
  cves: ['CVE-2024-0001'],
  rebootHint: false,
  firstSeen: new Date('2024-01-01T00:00:00Z'),
});
export const change = (id: string, extra: Partial<Change> = {}): Change => ({
  id,
  class: 'normal',
  title: 'patch web',
  patches: ['KB5034441'],
  targets: ['web'],
  window: 'weeknights',
  requester: 'alice',
  policyName: 'production',
  policy: { eligible: ['role:cab'], required: 3, rejectWins: true, expiresInMs: null, notify: [], postReview: false },
  state: 'pending-approval',
  parentId: null,
  plan: { waves: [] },
  postReview: false,
  createdAt: new Date('2024-01-01T00:00:00Z'),
  updatedAt: new Date('2024-01-01T00:00:00Z'),
  expiresAt: null,
  ...extra,
});

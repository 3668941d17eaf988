import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposeChange } from '../../src/changes/propose-change.ts';
import type { Patch } from '../../src/discovery/patch.ts';
import { proposeOnSchedule } from '../../src/rollouts/run/recurring-proposals.ts';
import type { RolloutDeps } from '../../src/rollouts/run/rollout-deps.ts';
import type { StoreHandle } from '../../src/platform.ts';
import type { Runtime } from '../../src/service/runtime.ts';
import { writeConfig } from '../support/cli.ts';
import { scanAt } from '../support/estate-scans.ts';
import { recordedCalls } from '../support/recorded-calls.ts';
import { startTestRuntime } from '../support/test-runtime.ts';

/**
 * A recurring proposal reads what its targets' hosts miss in one scoped read (not a findings query
 * per host, not the whole catalog), and proposes what it proposed before: the selected patches
 * missing or failed on the targets' hosts, less those an open change already carries.
 */
const WEB = Array.from({ length: 30 }, (_, i) => `web-${String(i + 1).padStart(2, '0')}`);
const DB = Array.from({ length: 10 }, (_, i) => `db-${String(i + 1).padStart(2, '0')}`);
const hostLine = (name: string, group: string) => `    - { name: ${name}, address: 127.0.0.1, os: debian, connection: local, groups: [${group}] }`;

const patch = (id: string, security: boolean, severity: Patch['severity'] = 'important'): Patch => ({
  id,
  title: id,
  severity,
  security,
  cves: [],
  rebootHint: false,
  firstSeen: new Date(),
});

let handle: StoreHandle;
let runtime: Runtime;

beforeAll(async () => {
  ({ handle, runtime } = await startTestRuntime([
    writeConfig(
      [
        'store: { url: "pglite://memory" }',
        'log: { level: silent }',
        'inventory:',
        '  hosts:',
        ...WEB.map((n) => hostLine(n, 'web')),
        ...DB.map((n) => hostLine(n, 'db')),
        '  groups:',
        '    - { name: web }',
        '    - { name: db }',
        'schedules:',
        '  discovery: null',
        '  proposals:',
        '    - { name: security-web, cron: "0 22 * * 2", patches: security, targets: [web], window: now }',
        '    - { name: critical-db, cron: "0 22 * * 3", patches: critical, targets: [db], window: now }',
        'rollout:',
        '  pilot: { group: web, soak: 0s }',
      ].join('\n'),
    ),
  ]));
  const { store } = runtime;
  const at = new Date();
  await store.patches.upsert(
    [
      patch('deb:openssl@9.9.9-1', true),
      patch('deb:libc6@2.36-9', true),
      patch('deb:bash@5.2-1', false),
      patch('deb:curl@8.0-1', true, 'critical'),
      patch('deb:zlib1g@1.3-1', true),
      patch('deb:sudo@1.9-1', true),
    ],
    'scan-1',
  );
  await scanAt(store, 'scan-1', at, {
    'web-05': { findings: [{ patchId: 'deb:openssl@9.9.9-1', state: 'missing' }] },
    // A failed install still needs the patch.
    'web-03': { findings: [{ patchId: 'deb:libc6@2.36-9', state: 'failed' }] },
    // Not a security update: the selector leaves it.
    'web-01': { findings: [{ patchId: 'deb:bash@5.2-1', state: 'missing' }] },
    // Already carried by an open change to web.
    'web-02': { findings: [{ patchId: 'deb:zlib1g@1.3-1', state: 'missing' }] },
    'web-04': { findings: [{ patchId: 'deb:sudo@1.9-1', state: 'installed' }] },
    // Missing outside the targets only.
    'db-01': { findings: [{ patchId: 'deb:curl@8.0-1', state: 'missing' }] },
  });
  await proposeChange(store, { approval: runtime.config.approval, windows: [] }, { patches: ['deb:zlib1g@1.3-1'], targets: ['web'], class: 'normal', requester: 'schedule:earlier' });
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
  await handle?.close();
});

const recorded = () => {
  const { store, calls, named } = recordedCalls(runtime.rollouts.store);
  const deps: RolloutDeps = { ...runtime.rollouts, store };
  return { deps, calls, named };
};

describe('a recurring proposal', () => {
  it("proposes the selected patches its targets' hosts still need, read once over those hosts", async () => {
    const { deps, calls, named } = recorded();
    const schedule = runtime.config.schedules.proposals[0]!;
    const id = await proposeOnSchedule(deps, schedule, '2026-12-01T22:00:00.000Z');
    expect((await runtime.store.changes.get(id!))?.patches).toEqual(['deb:libc6@2.36-9', 'deb:openssl@9.9.9-1']);
    // One read of what the group's 30 hosts miss; the catalog rows of those patches only.
    expect(named('findings.pendingIn').map((c) => [...(c.args[0] as string[])].sort())).toEqual([WEB]);
    // (The second is the proposal's check of the two it proposes.)
    expect(named('patches.byIds').map((c) => [...(c.args[0] as string[])].sort())).toEqual([
      ['deb:bash@5.2-1', 'deb:libc6@2.36-9', 'deb:openssl@9.9.9-1'],
      ['deb:libc6@2.36-9', 'deb:openssl@9.9.9-1'],
    ]);
    expect(calls.filter((c) => ['findings.byHost', 'patches.list'].includes(c.call))).toEqual([]);
  });

  it('finds nothing without reading the inventory or the catalog', async () => {
    const { deps, calls } = recorded();
    const schedule = runtime.config.schedules.proposals[1]!;
    // db-01 misses curl, a critical update: proposed once; then it is underway, and nothing is left.
    expect(await proposeOnSchedule(deps, schedule, '2026-12-02T22:00:00.000Z')).not.toBeNull();
    const again = recorded();
    expect(await proposeOnSchedule(again.deps, schedule, '2026-12-09T22:00:00.000Z')).toBeNull();
    expect(again.calls.map((c) => c.call).filter((c) => c.startsWith('hosts.') || c.startsWith('findings.') || c.startsWith('patches.'))).toEqual(['findings.pendingIn', 'patches.byIds']);
    expect(calls.filter((c) => ['findings.byHost', 'patches.list'].includes(c.call))).toEqual([]);
  });
});

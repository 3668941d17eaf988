import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Patch } from '../../src/discovery/patch.ts';
import { ScanWriter } from '../../src/discovery/scan-writer.ts';
import { proposeOnSchedule } from '../../src/rollouts/run/recurring-proposals.ts';
import type { Runtime } from '../../src/service/runtime.ts';
import type { StoreHandle } from '../../src/platform.ts';
import { capturedLog } from '../support/captured-log.ts';
import { writeConfig } from '../support/cli.ts';
import { closedWindowsYaml } from '../support/closed-windows.ts';
import { availableEngines, migratedPostgresUrl } from '../support/engines.ts';
import { startTestRuntime } from '../support/test-runtime.ts';
import { okScan } from '../support/host-scan.ts';

/**
 * One host lying about a patch must not decide for the estate. A compromised host calls two
 * package updates critical security fixes; the hosts beside it call them moderate, not security.
 * A standard schedule (pre-approved: no person votes) leaves them out, and the log says why; a
 * normal schedule, which a person approves, proposes them. For `A` the liar reports first, for `B`
 * second, each host's scan through the scan writer of another replica (its own memory).
 */
const A = 'deb:openssl@3.0.15-1';
const B = 'deb:libssl3@3.0.15-1';
const AGREED = 'deb:bash@5.2.15-2+b9';
const at = new Date('2026-03-01T00:00:00Z');
const said = (id: string, severity: Patch['severity'], security: boolean): Patch => ({ id, title: id, severity, security, cves: [], rebootHint: false, firstSeen: at });
const lie = (id: string) => said(id, 'critical', true);
const truth = (id: string) => said(id, 'moderate', false);
/** Host by host, in this order; every host also reports AGREED, critical and security, as every other does. */
const REPORTS: Array<[string, Patch[]]> = [
  ['canary-01', []],
  ['web-01', [lie(A)]],
  ['web-02', [truth(A)]],
  ['web-03', [truth(B)]],
  ['web-04', [lie(B)]],
];
const HOSTS = REPORTS.map(([host]) => host);
const schedule = (name: string, cls: string, patches: string) =>
  `    - { name: ${name}, cron: '0 3 29 2 *', patches: ${patches}, targets: [canary, web], window: weeknights, class: ${cls} }`;

describe.each(availableEngines())('recurring proposals when hosts disagree about a patch, on %s', (engine) => {
  let handle: StoreHandle;
  let runtime: Runtime;
  beforeAll(async () => {
    const url = engine === 'pglite' ? 'pglite://memory' : await migratedPostgresUrl();
    const config = writeConfig(
      [
        `store: { url: "${url}" }`,
        'log: { level: silent }',
        'inventory:',
        '  hosts:',
        ...HOSTS.map((name) => `    - { name: ${name}, address: 127.0.0.1, os: debian, connection: local }`),
        '  groups:',
        '    - { name: canary, members: [canary-01] }',
        `    - { name: web, members: [${HOSTS.slice(1).join(', ')}] }`,
        'rollout:',
        '  pilot: { group: canary, soak: 0s }',
        'schedules:',
        '  discovery: null',
        '  proposals:',
        schedule('standard-security', 'standard', 'security'),
        schedule('normal-security', 'normal', 'security'),
        schedule('standard-critical', 'standard', 'critical'),
        closedWindowsYaml(),
      ].join('\n'),
    );
    ({ handle, runtime } = await startTestRuntime([config]));
    await runtime.store.scans.start('s1', 'test', HOSTS, at);
    const replicas = [new ScanWriter(runtime.store, { maxDelayMs: 1 }), new ScanWriter(runtime.store, { maxDelayMs: 1 })];
    for (const [i, [host, reported]] of REPORTS.entries()) {
      const patches = [...reported, said(AGREED, 'critical', true)];
      await replicas[i % 2]!.record({ result: okScan('s1', host, at, patches.length), patches, findings: patches.map((p) => ({ patchId: p.id, state: 'missing' as const })) });
    }
  }, 120_000);
  afterAll(async () => {
    await runtime?.stop();
    await handle?.close();
  });

  const fire = async (name: string) => {
    const { log, lines } = capturedLog('info');
    const found = runtime.rollouts.config.schedules.proposals.find((s) => s.name === name)!;
    const id = await proposeOnSchedule({ ...runtime.rollouts, log }, found, '2028-02-29T03:00:00.000Z');
    return { change: id ? await runtime.store.changes.get(id) : null, lines };
  };
  const leftOut = { msg: 'pre-approved recurring proposal left out patches the hosts disagree about', schedule: expect.any(String), count: 2 };
  const disputed = [A, B].sort().map((patch) => ({ patch, catalog: { severity: 'critical', security: true }, weakest: { severity: 'moderate', security: false } }));

  it('a standard schedule proposes only what every host calls security, pre-approved, and logs what it left out and why', async () => {
    const { change, lines } = await fire('standard-security');
    expect(change).toMatchObject({ class: 'standard', patches: [AGREED], state: 'approved' });
    expect(lines.filter((l) => l.msg === leftOut.msg)).toEqual([expect.objectContaining({ ...leftOut, schedule: 'standard-security', patches: disputed })]);
  });

  it('so does one that selects critical: with nothing else to propose, it proposes nothing and says why', async () => {
    // AGREED is the standard change's above, so only the disputed two were left.
    const { change, lines } = await fire('standard-critical');
    expect(change).toBeNull();
    expect(lines.map((l) => l.msg)).toEqual([leftOut.msg, 'recurring proposal found nothing to propose']);
    expect(lines[0]).toMatchObject({ ...leftOut, patches: disputed });
  });

  it('a normal schedule, which a person approves, proposes them by the strongest claim, as before', async () => {
    const { change, lines } = await fire('normal-security');
    expect(change).toMatchObject({ class: 'normal', patches: [B, A], state: 'pending-approval' });
    expect(lines.map((l) => l.msg)).toEqual(['recurring proposal made']);
  });
});

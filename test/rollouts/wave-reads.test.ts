import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { formatSections } from '../../src/discovery/parsers/index.ts';
import type { StoreHandle } from '../../src/platform.ts';
import { type Runtime, startRuntime } from '../../src/service/runtime.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { askAs } from '../support/ask-as.ts';
import { writeLocalEstateConfig } from '../support/local-estate-config.ts';
import { execOk, scriptedPlatform } from '../support/platform.ts';
import { recordCallsOn, type Recording } from '../support/recorded-calls.ts';
import { LIBBAR, seedLibbarMissing } from '../support/seed-missing.ts';
import { until } from '../support/until.ts';

/**
 * What a change reads as it runs, on a real store, queue and workers (the Executor a fake whose
 * upgrades succeed): each host job reads its own run, not every run of the change; a wave's
 * verdicts come from one read of what its hosts still need and are written in one statement, not
 * a findings query and an update per host. web-03's rescan still lists the patch.
 */
const PILOT = 'canary-01';
const WEB = ['web-01', 'web-02', 'web-03', 'web-04'];
const rescan = (missing: boolean) =>
  formatSections([
    ['os-release', 'ID=debian\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'],
    [
      'apt-simulate',
      missing
        ? 'Inst libbar1 [1.0-1] (1.1-1 Debian-Security:12/stable-security [amd64])\n1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n'
        : '0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n',
    ],
    ['reboot', 'not-required\n'],
  ]);
const platform = scriptedPlatform(async ({ command }, host) => {
  if (command.includes('apt-get -s')) return execOk(rescan(host.name === 'web-03'));
  if (command.includes('reboot-required')) return execOk('not-required\n');
  return execOk();
});

let handle: StoreHandle;
let runtime: Runtime;
let recorded: Recording<StoreHandle['store']>;

beforeAll(async () => {
  const file = writeLocalEstateConfig({
    hosts: [PILOT, ...WEB],
    groups: { canary: [PILOT], web: WEB },
    realExecution: true,
    rollout: '{ pilot: { soak: 0s }, defaults: { soak: 0s, failureBudget: 1 } }',
  });
  const { config } = await loadConfig({ files: [file], env: {}, cwd: process.cwd() });
  handle = await platform.openStore(config.store.url, { migrate: true });
  // Every repository call the runtime makes goes through the recorder to the real store.
  recorded = recordCallsOn(handle.store);
  runtime = await startRuntime({ config, platform, log: createLogger({ level: 'silent' }), handle, workers: true });
  await seedLibbarMissing(runtime.store, [PILOT, ...WEB]);
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
  await handle?.close();
});

it('reads each host its own run, and judges each wave in one read and one write', async () => {
  const id = String((await askAs(runtime, 'alice', `propose ${LIBBAR} to canary web at now`)).data?.change);
  recorded.calls.length = 0;
  await askAs(runtime, 'dave', `approve ${id}`);
  const stateOf = async () => (await runtime.store.changes.get(id))?.state;
  await until('the change to end', async () => ['completed', 'failed', 'halted'].includes(String(await stateOf())), 60_000);
  expect((await runtime.store.rollouts.runs(id)).map((r) => [r.host, r.state, r.error])).toEqual([
    [PILOT, 'verified', null],
    ['web-01', 'verified', null],
    ['web-02', 'verified', null],
    ['web-03', 'still-missing', `still missing after the rescan: ${LIBBAR}`],
    ['web-04', 'verified', null],
  ]);
  const args = (call: string) => recorded.named(call).map((c) => c.args);
  // Each host job: its own run (for the wave's smoke checks) and its own findings (still needed?), once.
  expect(
    args('rollouts.run')
      .map(([change, host]) => [change, host])
      .sort(),
  ).toEqual([PILOT, ...WEB].map((host) => [id, host]));
  expect(
    args('findings.byHost')
      .map(([host]) => host as string)
      .sort(),
  ).toEqual([PILOT, ...WEB]);
  // Each wave: one read of what its hosts still need of the change's patches, one write of the verdicts.
  expect(args('findings.needing').map(([hosts, patches]) => [[...(hosts as string[])].sort(), patches])).toEqual([
    [[PILOT], [LIBBAR]],
    [WEB, [LIBBAR]],
  ]);
  expect(args('rollouts.setRunStates').map(([, from, verdicts]) => [from, (verdicts as { host: string; to: string }[]).map((v) => `${v.host}:${v.to}`)])).toEqual([
    ['applied', [`${PILOT}:verified`]],
    ['applied', ['web-01:verified', 'web-02:verified', 'web-03:still-missing', 'web-04:verified']],
  ]);
  expect(args('rollouts.setRunState')).toEqual([]);
}, 200_000);

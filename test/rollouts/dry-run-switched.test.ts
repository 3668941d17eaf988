import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.ts';
import { formatSections } from '../../src/discovery/parsers/index.ts';
import type { StoreHandle } from '../../src/platform.ts';
import type { Runtime } from '../../src/service/runtime.ts';
import { consoleHistoryOf } from '../support/console-history.ts';
import { execOk, scriptedPlatform } from '../support/platform.ts';
import { until } from '../support/until.ts';
import { askAs } from '../support/ask-as.ts';
import { LIBBAR, seedLibbarMissing } from '../support/seed-missing.ts';
import { writeLocalEstateConfig } from '../support/local-estate-config.ts';
import { startTestRuntime } from '../support/test-runtime.ts';

/**
 * An operator who sees a change patching for real, sets `execution.dryRun: true` and restarts, to
 * stop it: the hosts that were already patched were patched. Whether a host run was a dry run is
 * what its run recorded, not what the config says when the wave is judged; otherwise the thread
 * and the ticket say "nothing was changed on the hosts" about hosts that were. Real store, queue
 * and workers; the Executor is a fake whose upgrade succeeds, and which then switches the
 * config's dryRun (as the restart would) before the wave's rescan and verdict.
 */
const HOST = 'canary-01';
const LATER = 'web-01';
// The rescan after the upgrade: Debian 12, nothing left to upgrade.
const SCAN_AFTER = formatSections([
  ['os-release', 'ID=debian\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'],
  ['apt-simulate', '0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n'],
  ['reboot', 'not-required\n'],
]);
let config: Config;
let upgrades = 0;
let restores = 0;
const platform = scriptedPlatform(async ({ command }) => {
  if (command.includes('apt-get install -y --only-upgrade')) {
    upgrades++;
    // The upgrade ran; the restart into dry run comes before the wave is judged.
    config.execution.dryRun = true;
    return execOk();
  }
  if (command.includes('apt-get install -y --allow-downgrades')) {
    restores++;
    config.execution.dryRun = true;
    return execOk();
  }
  if (command.includes('apt-get -s')) return execOk(SCAN_AFTER);
  if (command.includes('reboot-required')) return execOk('not-required\n');
  return execOk();
});
let handle: StoreHandle;
let runtime: Runtime;

beforeAll(async () => {
  const file = writeLocalEstateConfig({ hosts: [HOST, LATER], groups: { canary: [HOST], web: [LATER] }, realExecution: true, rollout: '{ pilot: { soak: 0s }, defaults: { soak: 0s } }' });
  ({ config, handle, runtime } = await startTestRuntime([file], { platform }));
  await seedLibbarMissing(runtime.store, [HOST, LATER]);
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
  await handle?.close();
});

it('a host patched for real is verified by its rescan, never called a dry run, when dryRun was switched on after it ran', async () => {
  const id = String((await askAs(runtime, 'alice', `propose ${LIBBAR} to canary web at now`)).data?.change);
  await askAs(runtime, 'dave', `approve ${id}`);
  const stateOf = async () => (await runtime.store.changes.get(id))?.state;
  await until('the change to end', async () => ['completed', 'failed', 'halted'].includes(String(await stateOf())), 60_000).catch(async (error: Error) => {
    throw new Error(`${error.message}: ${await stateOf()}, runs ${JSON.stringify((await runtime.store.rollouts.runs(id)).map((r) => [r.host, r.state, r.error]))}`);
  });
  // The pilot was patched for real; the next wave ran under the dry run the operator switched to.
  expect(upgrades).toBe(1);
  expect(await stateOf()).toBe('completed');
  expect((await runtime.store.rollouts.runs(id)).map((r) => [r.host, r.state])).toEqual([
    [HOST, 'verified'],
    [LATER, 'dry-run'],
  ]);
  const cardTexts = async () => (await consoleHistoryOf(runtime).recent('approvals', null, 500)).map((m) => `${m.card?.title ?? ''}\n${m.card?.text ?? ''}`);
  // Posted after the change's commit: waited for.
  await until('the completion card', async () => (await cardTexts()).some((t) => t.startsWith('CHG-1: completed')), 15_000);
  const texts = await cardTexts();
  expect(texts).toContainEqual(expect.stringContaining('pilot: 1 patched.'));
  expect(texts).toContain('CHG-1: wave 2 of 2 done\nweb: 1 would patch (dry run). Dry run: nothing was changed on the hosts.');
  // Said of every host of the change, it would be untrue of the pilot.
  expect(texts).toContain('CHG-1: completed\n1 patched, 1 would patch (dry run) of 2 hosts. Dry run for the hosts that only printed their commands: nothing was changed on them.');
  // The card's State and the `changes` list say the same, by one rule: neither "dry run" alone nor "completed" alone.
  const shown = await askAs(runtime, 'erin', `show ${id}`);
  expect(shown.public?.fields).toEqual(expect.arrayContaining([{ label: 'State', value: 'completed (1 host patched, 1 ran dry)' }]));
  const listed = await askAs(runtime, 'erin', 'changes');
  expect(JSON.stringify(listed.public?.lists)).toContain(`\`${id}\` completed (1 host patched, 1 ran dry) — `);
}, 200_000);

it('a rollback that restored a host for real says so, never "would restore", when dryRun was switched on after it ran', async () => {
  const [parent] = await runtime.store.changes.list({ states: ['completed'], limit: 10 });
  expect(parent).toBeDefined();
  config.execution.dryRun = false;
  await askAs(runtime, 'dave', `rollback ${parent!.id} ${HOST}`);
  const rollbackOf = async () => (await runtime.store.changes.list({ limit: 10 })).find((c) => c.parentId === parent!.id)?.id;
  await until('the rollback to be proposed', async () => (await rollbackOf()) !== undefined, 15_000);
  const rollbackId = (await rollbackOf())!;
  const stateOf = async (id: string) => (await runtime.store.changes.get(id))?.state;
  await until('the rollback to end', async () => ['completed', 'failed', 'halted'].includes(String(await stateOf(rollbackId))), 60_000).catch(async (error: Error) => {
    throw new Error(`${error.message}: ${await stateOf(rollbackId)}, runs ${JSON.stringify((await runtime.store.rollouts.runs(rollbackId)).map((r) => [r.host, r.state, r.error]))}`);
  });
  expect(restores).toBe(1);
  expect((await runtime.store.rollouts.runs(rollbackId)).map((r) => [r.host, r.state])).toEqual([[HOST, 'verified']]);
  // web-01 only printed its upgrade, and counts as having run the change: the parent waits for it.
  expect(await stateOf(parent!.id)).toBe('completed');
  const texts = async () => (await consoleHistoryOf(runtime).recent('approvals', null, 500)).map((m) => `${m.card?.title ?? ''}\n${m.card?.text ?? ''}`);
  // Posted after the rollback's commit: waited for.
  await until('the rollback to say where it restored nothing', async () => (await texts()).some((t) => t.includes(`not restored on ${LATER}`)), 15_000);
  for (const text of await texts()) expect(text).not.toContain('would restore');
}, 200_000);

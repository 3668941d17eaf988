import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StoreHandle } from '../../src/platform.ts';
import { ExecutionError, stopReason } from '../../src/playbooks/executor.ts';
import { sweepRollouts } from '../../src/rollouts/run/rollout-jobs.ts';
import type { Runtime } from '../../src/service/runtime.ts';
import { StoreUnavailableError } from '../../src/shared/store-errors.ts';
import { execOk, scriptedPlatform } from '../support/platform.ts';
import { until } from '../support/until.ts';
import { askAs } from '../support/ask-as.ts';
import { seedLibbarMissing } from '../support/seed-missing.ts';
import { writeLocalEstateConfig } from '../support/local-estate-config.ts';
import { startTestRuntime } from '../support/test-runtime.ts';

/**
 * A database outage longer than the host-run lease, during a slow upgrade (review finding 2).
 * The worker cannot renew its lease; once the lease is stale another worker (the sweep's
 * recovery job) takes the run over. "Nothing runs twice": the first attempt must have stopped
 * its playbook — the Executor told to kill the command — before the second one starts, and the
 * audit log must say it was stopped for its lost lease. Real store, queue and workers with a 3 s
 * lease; the Executor is a fake (as in the other rollout tests) that honours the stop the way
 * the ssh and local executors do (their own tests prove the kill on a real host).
 */
const HOST = 'canary-01';
let handle: StoreHandle;
let runtime: Runtime;
let inInstall = 0;
let maxConcurrentInstalls = 0;
const installs: Array<{ stopped: string | null }> = [];
const SCAN =
  '### patchbot:os-release\nID=debian\nNAME="Debian"\nVERSION_ID="12"\nPRETTY_NAME="Debian 12"\n### patchbot:apt-simulate\nInst libbar1 [1.0-1] (1.1-1 Debian-Security:12/stable-security [amd64])\n### patchbot:reboot\nnot-required\n### patchbot:end\n';

/** Waits `ms`, or rejects 'stopped' the moment `signal` aborts, as a killed command would. */
const work = (ms: number | null, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    const stop = () => reject(new ExecutionError('stopped', HOST, `command killed: ${signal ? stopReason(signal) : ''}`));
    if (signal?.aborted) return stop();
    if (ms !== null) setTimeout(resolve, ms);
    signal?.addEventListener('abort', stop, { once: true });
  });

const platform = scriptedPlatform(async ({ command, signal }) => {
  if (command.includes('### patchbot:os-release')) return execOk(SCAN);
  if (command.includes('reboot-required')) return execOk('not-required\n');
  if (!command.includes('apt-get install -y --only-upgrade')) return execOk();
  const install = { stopped: null as string | null };
  installs.push(install);
  inInstall++;
  maxConcurrentInstalls = Math.max(maxConcurrentInstalls, inInstall);
  try {
    // The first install is a big upgrade: it runs until it is stopped. Later ones take 200 ms.
    await work(installs.length === 1 ? null : 200, signal);
    return execOk();
  } catch (error) {
    install.stopped = (error as Error).message;
    throw error;
  } finally {
    inInstall--;
  }
});
const act = (name: string, text: string) => askAs(runtime, name, text);
const auditOf = async (id: string) => {
  const events: Array<{ action: string; data: Record<string, unknown> }> = [];
  for await (const event of runtime.store.audit.read()) if (event.subject === id && event.action.startsWith('host.')) events.push(event);
  return events;
};

beforeAll(async () => {
  const file = writeLocalEstateConfig({
    hosts: [HOST],
    groups: { canary: [HOST] },
    windows: '{ always: { cron: "* * * * *", duration: 1h } }',
    realExecution: true,
    execution: 'hostRunLease: 3s',
    rollout: '{ pilot: { soak: 0s }, defaults: { concurrency: 1, soak: 0s } }',
  });
  ({ handle, runtime } = await startTestRuntime([file], { platform }));
  await seedLibbarMissing(runtime.store, [HOST]);
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
  await handle?.close();
});

it('a run whose lease renewals fail stops its playbook before another worker takes the host over', async () => {
  const id = String((await act('alice', 'propose deb:libbar1@1.1-1 to canary at always')).data?.change);
  await act('dave', `approve ${id}`);
  await until('the slow install to start', async () => installs.length === 1, 30_000);

  // The store stops answering this worker's lease renewals (a failover, a network partition).
  const rollouts = handle.store.rollouts;
  const renew = rollouts.renewLease.bind(rollouts);
  rollouts.renewLease = async () => {
    throw new StoreUnavailableError('database unavailable');
  };
  try {
    // No renewal for 2/3 of the 3 s lease: the first attempt stops its install.
    await until('the first install to be stopped', async () => installs[0]?.stopped, 15_000);
  } finally {
    rollouts.renewLease = renew; // the database is back
  }
  expect(installs[0]?.stopped).toMatch(/no lease renewal succeeded for \ds \(the lease is 3s\): the database is unavailable/i);

  // The sweep (every 30 s in service; called here) hands the run to a recovery job once its lease is stale.
  await until(
    'a second attempt to install',
    async () => {
      await sweepRollouts(runtime.rollouts);
      return installs.length >= 2;
    },
    30_000,
    500,
  );
  await until('the second attempt to be recorded', async () => (await auditOf(id)).some((e) => e.data.attempt === 2), 30_000);

  expect(maxConcurrentInstalls).toBe(1);
  expect(installs[1]?.stopped).toBeNull();
  const audit = await auditOf(id);
  // The first attempt's record: stopped for its lost lease, with the step it was stopped in; never applied.
  const first = audit.filter((e) => e.data.attempt === 1);
  expect(first.map((e) => e.action)).toEqual(['host.stopped']);
  expect(first[0]?.data.error).toMatch(/^stopped: its lease was lost: no lease renewal succeeded for \ds/);
  expect(first[0]?.data.steps).toContainEqual(expect.objectContaining({ name: 'install exactly what was approved', ok: false, exitCode: null }));
  // The second attempt rescanned the host first, then ran the apply itself.
  const run = (await runtime.store.rollouts.runs(id)).find((r) => r.host === HOST);
  expect(run?.attempt).toBe(2);
  expect(audit.filter((e) => e.data.attempt === 2).map((e) => e.action)).toEqual(['host.applied']);
}, 120_000);

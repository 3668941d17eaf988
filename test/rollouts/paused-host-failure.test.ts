import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StoreHandle } from '../../src/platform.ts';
import { advanceRollout } from '../../src/rollouts/run/advance.ts';
import { kickRollout } from '../../src/rollouts/run/rollout-jobs.ts';
import type { Runtime } from '../../src/service/runtime.ts';
import { consoleHistoryOf } from '../support/console-history.ts';
import { execOk, scriptedPlatform } from '../support/platform.ts';
import { until } from '../support/until.ts';
import { askAs } from '../support/ask-as.ts';
import { seedLibbarMissing } from '../support/seed-missing.ts';
import { writeLocalEstateConfig } from '../support/local-estate-config.ts';
import { startTestRuntime } from '../support/test-runtime.ts';

/**
 * A host still upgrading when its window closes fails after the change paused (review finding 4).
 * The change must halt then — card in the thread, note on the ticket — not a week later at the
 * next opening, after a "Resumed" it never earned. Real store, queue and workers on a clock the
 * test moves; the Executor is a fake (as in the other rollout tests) whose first web upgrade
 * blocks until the test lets it fail with dpkg's error.
 */
const HOSTS = ['canary-01', 'web-01', 'web-02', 'web-03'];
let clock = new Date('2026-12-07T21:30:00Z'); // a Monday
let handle: StoreHandle;
let runtime: Runtime;
let victim = '';
let letItFail: () => void = () => {};
const SCAN =
  '### patchbot:os-release\nID=debian\nNAME="Debian"\nVERSION_ID="12"\nPRETTY_NAME="Debian 12"\n### patchbot:apt-simulate\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n### patchbot:reboot\nnot-required\n### patchbot:end\n';

const platform = scriptedPlatform(async ({ command }, host) => {
  if (command.includes('### patchbot:os-release')) return execOk(SCAN);
  if (command.includes('reboot-required')) return execOk('not-required\n');
  if (command.includes('apt-get install -y --only-upgrade') && host.name.startsWith('web-') && (victim === '' || victim === host.name)) {
    // Only the first try blocks: the step's retries fail at once, as dpkg would again.
    if (victim === '') {
      victim = host.name;
      await new Promise<void>((resolve) => (letItFail = resolve));
    }
    return { exitCode: 100, stdout: '', stderr: 'E: Sub-process /usr/bin/dpkg returned an error code (1)', truncated: false, durationMs: 1 };
  }
  return execOk();
});
const act = (name: string, text: string) => askAs(runtime, name, text);
const stateOf = async (id: string) => (await runtime.store.changes.get(id))?.state;
const threadTitles = async () => (await consoleHistoryOf(runtime).recent('approvals', null, 500)).map((m) => m.card?.title ?? '').filter(Boolean);
const ticketEvents = async (id: string) => (await runtime.store.ticketOutbox.list(id)).map((e) => e.event as { kind: string; text?: string; reason?: string });

beforeAll(async () => {
  const file = writeLocalEstateConfig({
    hosts: HOSTS,
    groups: { canary: ['canary-01'], web: ['web-01', 'web-02', 'web-03'] },
    windows: '{ nightly: { cron: "0 22 * * 1", duration: 1h, timezone: UTC } }',
    realExecution: true,
    // One host run at a time: the other web hosts are still queued when the window closes.
    execution: 'concurrency: 1',
    rollout: '{ pilot: { soak: 0s }, defaults: { concurrency: 3, soak: 0s, failureBudget: 0 } }',
  });
  ({ handle, runtime } = await startTestRuntime([file], { platform, now: () => clock }));
  await seedLibbarMissing(runtime.store, HOSTS);
}, 120_000);
afterAll(async () => {
  letItFail();
  await runtime?.stop();
  await handle?.close();
});

it('a host that fails after its window closed halts the paused change at once, not at the next opening', async () => {
  const id = String((await act('alice', 'propose deb:libbar1@1.1-1 to canary web at nightly')).data?.change);
  await act('dave', `approve ${id}`);
  clock = new Date('2026-12-07T22:02:00Z');
  await kickRollout(runtime, id, 'open');
  await until('a web host to be upgrading', async () => victim !== '', 60_000).catch(async (error: Error) => {
    throw new Error(`${error.message}: ${await stateOf(id)}, runs ${JSON.stringify((await runtime.store.rollouts.runs(id)).map((r) => [r.host, r.state, r.error]))}`);
  });

  // 23:05: the window has closed with the other web hosts still queued: the change pauses.
  clock = new Date('2026-12-07T23:05:00Z');
  await kickRollout(runtime, id, 'closed');
  await until('the pause at the window end', async () => (await stateOf(id)) === 'paused', 30_000);
  const beforeFailure = (await threadTitles()).length;

  // 23:06: the upgrade fails. Nothing but that host's own run moves the change on.
  clock = new Date('2026-12-07T23:06:00Z');
  letItFail();
  await until('the change to halt on the failure', async () => (await stateOf(id)) === 'halted', 30_000).catch(async (error: Error) => {
    throw new Error(
      `${error.message}: ${await stateOf(id)}, ${JSON.stringify(await runtime.store.rollouts.progress(id))} runs ${JSON.stringify((await runtime.store.rollouts.runs(id)).map((r) => [r.host, r.state, r.error]))}`,
    );
  });

  const progress = await runtime.store.rollouts.progress(id);
  expect(progress?.haltReason).toBe('Wave web: 1 host failed, more than its budget of 0.');
  const runs = (await runtime.store.rollouts.runs(id)).map((r) => [r.host, r.state]);
  expect(runs).toContainEqual([victim, 'failed']);
  // The hosts still queued at the pause never started.
  expect(runs.filter(([, state]) => state === 'queued')).toHaveLength(2);
  // The thread shows the halt card (with its Resume / Roll back / Abort buttons) right away.
  await until('the halt card', async () => (await consoleHistoryOf(runtime).recent('approvals', null, 500)).some((m) => /halted/i.test(m.card?.title ?? '')), 15_000);
  const halted = (await consoleHistoryOf(runtime).recent('approvals', null, 500)).find((m) => /halted/i.test(m.card?.title ?? ''));
  expect(JSON.stringify(halted?.card)).toContain(victim);
  expect(halted?.card?.actions?.map((a) => a.label)).toEqual(expect.arrayContaining([expect.stringMatching(/resume/i), expect.stringMatching(/roll back/i)]));
  // The ticket hears of the halt, and never of a resume.
  await until('the ticket halt note', async () => (await ticketEvents(id)).some((e) => e.kind === 'halted'), 15_000);
  const events = await ticketEvents(id);
  expect(events.find((e) => e.kind === 'halted')?.reason).toBe('Wave web: 1 host failed, more than its budget of 0.');
  expect(events.filter((e) => e.kind === 'note' && e.text?.startsWith('Resumed'))).toEqual([]);

  // A week later the window opens again: a halted change stays halted and says nothing new.
  clock = new Date('2026-12-14T22:01:00Z');
  // The job's own function, awaited: the advance that the next opening's wake-up runs.
  await advanceRollout(runtime.rollouts, id);
  expect(await stateOf(id)).toBe('halted');
  const after = (await threadTitles()).slice(beforeFailure);
  expect(after.some((t) => /^running$|resumed/i.test(t))).toBe(false);
}, 200_000);

import { afterAll, expect, it } from 'vitest';
import { withoutCodeMarks } from '../../adapters/teams/card-markdown.ts';
import type { StoreHandle } from '../../src/platform.ts';
import type { Runtime } from '../../src/service/runtime.ts';
import { askAs } from '../support/ask-as.ts';
import { writeConfig } from '../support/cli.ts';
import { consoleHistoryOf } from '../support/console-history.ts';
import { writeLocalEstateConfig } from '../support/local-estate-config.ts';
import { execOk, scriptedPlatform } from '../support/platform.ts';
import { LIBBAR, seedLibbarMissing } from '../support/seed-missing.ts';
import { startTestRuntime } from '../support/test-runtime.ts';
import { until } from '../support/until.ts';

/**
 * The thread's status of an immediate start, running or waiting out a blackout, names who asked
 * for it (start-decision.ts): a person's name, which is typed. With a pair of backticks in it,
 * Teams must still show them (hostText), not take them for patchbot's code mark. The real
 * service's orchestrator, in dry run, on a host that answers every command with success.
 */
const REQUESTER = 'al `ops` ice';
const started: Array<{ handle: StoreHandle; runtime: Runtime }> = [];

/** The service over one host, the requester and dave (who approves), with `extra` config lines. */
const start = async (extra: string[] = []): Promise<Runtime> => {
  const estate = writeLocalEstateConfig({ hosts: ['web-01'], groups: { web: ['web-01'] }, rollout: '{ pilot: { soak: 0s }, defaults: { soak: 0s } }' });
  const people = writeConfig(['people:', `  - { name: "${REQUESTER}", roles: [oncall] }`, '  - { name: dave, roles: [cab, oncall] }', ...extra].join('\n'), 'people.yaml');
  const service = await startTestRuntime([estate, people], { platform: scriptedPlatform(async () => execOk()) });
  started.push(service);
  await seedLibbarMissing(service.runtime.store, ['web-01']);
  return service.runtime;
};
afterAll(async () => {
  for (const { runtime, handle } of started) {
    await runtime.stop();
    await handle.close();
  }
});

/** Proposed by the requester at now and approved by dave: the status card titled `<id>: <title>`, once posted. */
const approvedAtNow = async (runtime: Runtime, title: string) => {
  const proposed = await askAs(runtime, REQUESTER, `propose ${LIBBAR} to web at now`);
  expect(proposed.error).toBeUndefined();
  const id = String(proposed.data?.change);
  expect((await askAs(runtime, 'dave', `approve ${id}`)).error).toBeUndefined();
  const card = await until(
    `the "${title}" status in the thread`,
    async () => (await consoleHistoryOf(runtime).recent('approvals', null, 200)).find((m) => m.card?.title === `${id}: ${title}`)?.card,
  );
  return { id, card };
};

it("says who asked for an immediate start as written when the change starts, and on its card's When", async () => {
  const runtime = await start();
  const { id, card } = await approvedAtNow(runtime, 'running');
  // As Teams shows it: code marks dropped, host text's backticks as written.
  expect(withoutCodeMarks(card.text ?? '')).toBe(`Immediate start requested by ${REQUESTER}: starting immediately.`);
  const when = (await askAs(runtime, 'dave', `show ${id}`)).public?.fields?.find((f) => f.label === 'When')?.value ?? '';
  expect(withoutCodeMarks(when)).toContain(`Immediate start requested by ${REQUESTER}: `);
}, 120_000);

it('says who asked for an immediate start as written when a blackout makes it wait', async () => {
  const hour = 3_600_000;
  const blackout = `blackouts: [{ name: freeze, from: "${new Date(Date.now() - hour).toISOString()}", to: "${new Date(Date.now() + hour).toISOString()}" }]`;
  const { card } = await approvedAtNow(await start([blackout]), 'waiting for its window');
  expect(withoutCodeMarks(card.text ?? '')).toContain(`Immediate start requested by ${REQUESTER}: blackout freeze is in force`);
}, 120_000);

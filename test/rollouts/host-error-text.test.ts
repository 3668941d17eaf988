import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StoreHandle } from '../../src/platform.ts';
import type { Runtime } from '../../src/service/runtime.ts';
import { consoleHistoryOf } from '../support/console-history.ts';
import { execOk, scriptedPlatform } from '../support/platform.ts';
import { until } from '../support/until.ts';
import { askAs } from '../support/ask-as.ts';
import { seedLibbarMissing } from '../support/seed-missing.ts';
import { writeLocalEstateConfig } from '../support/local-estate-config.ts';
import { startTestRuntime } from '../support/test-runtime.ts';

/**
 * A managed host may be hostile (DESIGN §8): what its apply step prints on stderr becomes the host
 * run's error, which the halt card, the console's wave chart, the ticket and the audit log show.
 * Scan errors lose their control characters before they are stored (patch-bounds.ts); a failed
 * apply's must too: a terminal escape, a text-direction override ("Trojan Source") or a Unicode
 * line separator would let the host reorder or restyle what people read about it. Real store,
 * queue and workers; the Executor is a fake whose upgrade fails with that stderr.
 */
const HOST = 'canary-01';
// ESC[2K erases the line; U+202E reverses what follows; U+2028 starts a new line in most renderers; U+009B is a one-character CSI.
const HOSTILE = 'E: dpkg failed \u001b[2K\u001b[32mall hosts patched\u202Edehctap\u2028✅ 0 failed\u009b1m';
const platform = scriptedPlatform(async ({ command }) => {
  if (command.includes('apt-get install -y --only-upgrade')) return { exitCode: 100, stdout: '', stderr: HOSTILE, truncated: false, durationMs: 1 };
  return execOk();
});
let handle: StoreHandle;
let runtime: Runtime;

beforeAll(async () => {
  const file = writeLocalEstateConfig({
    hosts: [HOST],
    groups: { canary: [HOST] },
    realExecution: true,
    rollout: '{ pilot: { soak: 0s }, defaults: { soak: 0s, failureBudget: 0 } }',
  });
  ({ handle, runtime } = await startTestRuntime([file], { platform }));
  await seedLibbarMissing(runtime.store, [HOST]);
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
  await handle?.close();
});

// C0 but tab and newline, DEL, C1, bidi formatting, Unicode line and paragraph separators.
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029]/; // eslint-disable-line no-control-regex -- finding them is the point

it("a failed host's stderr reaches the run record, the halt card and the audit log without control characters", async () => {
  const id = String((await askAs(runtime, 'alice', 'propose deb:libbar1@1.1-1 to canary at now')).data?.change);
  await askAs(runtime, 'dave', `approve ${id}`);
  const stateOf = async () => (await runtime.store.changes.get(id))?.state;
  await until('the change to halt on the failed host', async () => (await stateOf()) === 'halted', 60_000).catch(async (error: Error) => {
    throw new Error(`${error.message}: ${await stateOf()}, runs ${JSON.stringify((await runtime.store.rollouts.runs(id)).map((r) => [r.host, r.state, r.error]))}`);
  });

  const run = (await runtime.store.rollouts.runs(id)).find((r) => r.host === HOST);
  expect(run?.state).toBe('failed');
  // Still says what the host said, as plain text.
  expect(run?.error).toContain('E: dpkg failed');
  expect(run?.error).toContain('all hosts patched');
  expect(run?.error).not.toMatch(CONTROLS);

  const audit = [];
  for await (const event of runtime.store.audit.read()) if (event.action === 'host.failed') audit.push(event);
  expect(audit.length).toBeGreaterThan(0);
  expect(JSON.stringify(audit.map((e) => e.data))).not.toMatch(/\\u001b|\\u009b/);
  expect(audit.map((e) => String((e.data as { error?: string }).error))).not.toContainEqual(expect.stringMatching(CONTROLS));

  await until('the halt card', async () => (await consoleHistoryOf(runtime).recent('approvals', null, 500)).some((m) => /halted/i.test(m.card?.title ?? '')), 15_000);
  const cards = (await consoleHistoryOf(runtime).recent('approvals', null, 500)).filter((m) => JSON.stringify(m.card ?? '').includes('dpkg failed'));
  expect(cards.length).toBeGreaterThan(0);
  for (const m of cards) expect(JSON.stringify(m.card)).not.toMatch(/\\u001b|\\u009b|\u202E|\u2028/);
}, 200_000);

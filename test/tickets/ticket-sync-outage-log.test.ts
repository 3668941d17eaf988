import { afterEach, describe, expect, it } from 'vitest';
import { capturedLog } from '../support/captured-log.ts';
import { type FakeJira, startFakeJira } from '../support/fake-jira.ts';
import { type FakeServiceNow, startFakeServiceNow } from '../support/fake-servicenow.ts';
import { ask, PATCH, settledOutbox, startTicketRuntime, until } from './ticket-harness.ts';

/**
 * The service's log through an ITSM outage with updates waiting on several tickets: one warning
 * when it starts, one info line when the ITSM answers again, per ITSM system. Each ticket retries
 * on its own backoff, and a line per attempt was a flood; the attempts are still there at debug.
 */
const running: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});

const itsmYaml = (fake: FakeServiceNow | FakeJira): string[] => {
  if ('workNotes' in fake) {
    const c = fake.config();
    return ['itsm:', '  kind: servicenow', `  servicenow: { instanceUrl: "${c.instanceUrl}", username: ${c.username}, password: ${c.password} }`];
  }
  const c = fake.config();
  // A retried open waits out Cloud's search lag before it creates (60 s by default): the fake's is 500 ms.
  return ['itsm:', '  kind: jira', `  jira: { baseUrl: "${c.baseUrl}", email: ${c.email}, apiToken: ${c.apiToken}, projectKey: ${c.projectKey}, issueType: Change, searchLag: 2s }`];
};

describe.each([
  { system: 'servicenow', label: 'ServiceNow' },
  { system: 'jira', label: 'Jira' },
])('$label taken down while three tickets wait to be opened', ({ system, label }) => {
  it('is one warning while it lasts and one line when it answers again, not one per ticket and retry', async () => {
    const fake = system === 'servicenow' ? await startFakeServiceNow() : await startFakeJira();
    running.push(fake);
    const { log, lines } = capturedLog('debug');
    const harness = await startTicketRuntime(itsmYaml(fake), {}, log);
    running.unshift(harness);
    const { runtime } = harness;

    await fake.stop();
    const ids: string[] = [];
    for (const target of ['canary', 'prod-web', 'canary prod-web']) ids.push(String((await ask(runtime, 'alice', `propose ${PATCH} to ${target} at now`)).data?.change));
    // Every ticket's first update tried four times or more: twelve failed attempts at least.
    await until(
      'each waiting update to be retried',
      async () => {
        const heads = await Promise.all(ids.map(async (id) => (await runtime.store.ticketOutbox.list(id))[0]));
        return heads.every((head) => head?.state === 'pending' && head.attempts >= 4);
      },
      60_000,
    );
    const warnings = () => lines.filter((l) => (l.level as number) >= 40).map((l) => [l.level, l.msg]);
    expect(warnings()).toEqual([[40, `ticket updates to ${label} failed`]]);
    const first = lines.find((l) => l.msg === `ticket updates to ${label} failed`)!;
    expect(first).toMatchObject({ err: { message: expect.stringMatching(/no answer from http:\/\/127\.0\.0\.1/) }, since: expect.any(String), ticketOf: expect.any(String) });
    // Each attempt, per ticket, is still there at debug.
    const attempts = lines.filter((l) => l.msg === 'ticket update failed; retrying later');
    expect(attempts.length).toBeGreaterThanOrEqual(12);
    expect(new Set(attempts.map((l) => l.ticketOf))).toEqual(new Set(ids));
    expect(attempts.every((l) => l.level === 20)).toBe(true);

    await fake.start();
    for (const id of ids) expect((await settledOutbox(runtime, id, 60_000)).every((e) => e.state === 'sent')).toBe(true);
    const back = lines.filter((l) => l.msg === `ticket updates to ${label} works again`);
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({ level: 30, since: first.since, failures: expect.any(Number) });
    expect(back[0]!.failures as number).toBeGreaterThanOrEqual(attempts.length);
    expect(warnings()).toHaveLength(1);
  }, 180_000);
});

import { afterEach, describe, expect, it } from 'vitest';
import { ITSM_CHECK_QUEUE } from '../../src/tickets/itsm-approval-jobs.ts';
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

/** The ITSM's fake and the service on it, its log captured at debug; both stopped after the test. */
const started = async (system: string, extra: string[] = []) => {
  const fake = system === 'servicenow' ? await startFakeServiceNow() : await startFakeJira();
  running.push(fake);
  const { log, lines } = capturedLog('debug');
  const harness = await startTicketRuntime([...itsmYaml(fake), ...extra], {}, log);
  running.unshift(harness);
  return { fake, lines, runtime: harness.runtime };
};

describe.each([
  { system: 'servicenow', label: 'ServiceNow' },
  { system: 'jira', label: 'Jira' },
])('$label taken down while three tickets wait to be opened', ({ system, label }) => {
  it('is one warning while it lasts and one line when it answers again, not one per ticket and retry', async () => {
    const { fake, lines, runtime } = await started(system);

    await fake.stop();
    const ids: string[] = [];
    for (const target of ['canary', 'prod-web', 'canary prod-web']) ids.push(String((await ask(runtime, 'alice', `propose ${PATCH} to ${target} at now`)).data?.change));
    // Each attempt, per ticket, is logged at debug: wait for four failed attempts of every ticket.
    const attemptsOf = (id: string) => lines.filter((l) => l.msg === 'ticket update failed; retrying later' && l.ticketOf === id);
    await until('each waiting update to fail four times', async () => ids.every((id) => attemptsOf(id).length >= 4), 60_000);
    const attempts = ids.flatMap(attemptsOf);
    expect(attempts.every((l) => l.level === 20)).toBe(true);
    // Twelve failed attempts or more, and one warning.
    const warnings = () => lines.filter((l) => (l.level as number) >= 40).map((l) => [l.level, l.msg]);
    expect(warnings()).toEqual([[40, `ticket updates to ${label} failed`]]);
    const first = lines.find((l) => l.msg === `ticket updates to ${label} failed`)!;
    expect(first).toMatchObject({ err: { message: expect.stringMatching(/no answer from http:\/\/127\.0\.0\.1/) }, since: expect.any(String), ticketOf: expect.any(String) });

    await fake.start();
    for (const id of ids) expect((await settledOutbox(runtime, id, 60_000)).every((e) => e.state === 'sent')).toBe(true);
    const back = lines.filter((l) => l.msg === `ticket updates to ${label} works again`);
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({ level: 30, since: first.since, failures: expect.any(Number) });
    expect(back[0]!.failures as number).toBeGreaterThanOrEqual(attempts.length);
    expect(warnings()).toHaveLength(1);
  }, 180_000);

  it('reading approvals back: one warning for every change, check and retry, and one line when it answers again', async () => {
    const { fake, lines, runtime } = await started(system, ['approval: { source: both }']);
    const ids: string[] = [];
    for (const target of ['canary', 'prod-web']) ids.push(String((await ask(runtime, 'alice', `propose ${PATCH} to ${target} at now`)).data?.change));
    for (const id of ids) expect((await settledOutbox(runtime, id, 60_000)).every((e) => e.state === 'sent')).toBe(true);

    await fake.stop();
    let round = 0;
    const check = async () => {
      round++;
      for (const id of ids) await runtime.queue.send(ITSM_CHECK_QUEUE, { changeId: id }, { key: `outage:${id}:${round}`, retryLimit: 2, retryDelaySeconds: 1 });
    };
    const failedReads = () => lines.filter((l) => l.msg === 'could not read the approval from the ITSM');
    await check();
    await check();
    // Two rounds of two changes, each retried: every read is at debug.
    await until('six failed approval reads', async () => failedReads().length >= 6, 60_000);
    expect(failedReads().every((l) => l.level === 20)).toBe(true);
    const warnings = () => lines.filter((l) => (l.level as number) >= 40).map((l) => [l.level, l.msg]);
    expect(warnings()).toEqual([[40, `approval reads from ${label} failed`]]);

    await fake.start();
    await check();
    await until(`approval reads from ${label} to work again`, async () => lines.some((l) => l.msg === `approval reads from ${label} works again`), 60_000);
    expect(lines.filter((l) => l.msg === `approval reads from ${label} works again`)).toHaveLength(1);
    expect(warnings()).toEqual([[40, `approval reads from ${label} failed`]]);
  }, 180_000);

  it('takes a rate limit on one ticket while others go through for no outage: one line, and no "failed" / "works again" per 429', async () => {
    const { fake, lines, runtime } = await started(system);
    // A ticket opened, then two more each met by a 429 while the others' updates are taken.
    const ids: string[] = [];
    for (const target of ['canary', 'prod-web', 'canary prod-web']) {
      if (ids.length) fake.rateLimit(1, 1);
      ids.push(String((await ask(runtime, 'alice', `propose ${PATCH} to ${target} at now`)).data?.change));
      expect((await settledOutbox(runtime, ids.at(-1)!, 60_000)).every((e) => e.state === 'sent')).toBe(true);
    }
    const attempts = lines.filter((l) => l.msg === 'ticket update failed; retrying later');
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    // No outage began or ended: the ITSM answered every request, some with "not now".
    expect(lines.filter((l) => String(l.msg).startsWith(`ticket updates to ${label}`)).map((l) => [l.level, l.msg])).toEqual([[40, `ticket updates to ${label} rate limited`]]);
    const said = lines.find((l) => l.msg === `ticket updates to ${label} rate limited`)!;
    expect(said).toMatchObject({ retryAfterMs: 1000, rateLimited: 1, ticketOf: expect.any(String), err: { message: expect.stringContaining('429') } });
  }, 180_000);
});

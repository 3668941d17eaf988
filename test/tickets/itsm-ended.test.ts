import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleQueue } from '../../src/jobs/scheduler.ts';
import type { RunningService } from '../../src/service/start-service.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { ITSM_CHECK_QUEUE, ITSM_POLL_SCHEDULE } from '../../src/tickets/itsm-approval-jobs.ts';
import { closedWindowsYaml } from '../support/closed-windows.ts';
import { consoleHistoryOf } from '../support/console-history.ts';
import { type FakeJira, startFakeJira } from '../support/fake-jira.ts';
import { type FakeServiceNow, startFakeServiceNow } from '../support/fake-servicenow.ts';
import { auditOf, ITSM_SECRET, jiraItsmLine, proposeAndWait, serviceNowItsm, startItsmService, stateOf } from './itsm-harness.ts';
import { firstLines, settledOutbox, threadTitles, until } from './ticket-harness.ts';

/**
 * The CAB cancels (or declines) the ticket in its own tool while patchbot waits for the ITSM's
 * approval: the change ends as the ITSM says, once, with one card and one audit entry, and never
 * runs. Through the real service, its webhook routes and its polling, against the stateful fakes.
 */
const SECRET = ITSM_SECRET;
const PEOPLE = [
  'people:',
  '  - { name: alice, email: alice@example.com, jira: acc-alice, servicenow: alice.liddell, roles: [oncall, admin] }',
  '  - { name: bob, email: bob@example.com, jira: acc-bob, servicenow: bob.b, roles: [cab] }',
];

/** The service's log lines (JSON), to see each ITSM check end. */
const logLines: Array<{ msg?: string; change?: string; outcome?: string }> = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line.includes('ITSM approval check done')) logLines.push(JSON.parse(line));
    done();
  },
});
const checksDone = (id: string) => logLines.filter((l) => l.change === id).map((l) => l.outcome);

// Windows closed for the whole run: an approved change proposed without `at now` stays scheduled.
const serviceWith = (extra: string[]): Promise<RunningService> =>
  startItsmService([...PEOPLE, ...closedWindowsYaml().trimEnd().split('\n'), ...extra], createLogger({ level: 'debug', format: 'json', destination: logSink }));

const cardText = async (service: RunningService, title: string) => (await consoleHistoryOf(service.runtime).recent('approvals', null, 200)).find((m) => m.card?.title === title)?.card?.text;
const titled = async (service: RunningService, title: string) => (await threadTitles(service.runtime)).filter((t) => t === title);
const poll = (service: RunningService) => service.runtime.queue.send(scheduleQueue(ITSM_POLL_SCHEDULE), { schedule: ITSM_POLL_SCHEDULE, firedAt: new Date().toISOString() });

/** What a change that never ran leaves in the audit log: no approval, no start. */
const ranOrApproved = (audit: Array<{ action: string }>) => audit.map((e) => e.action).filter((a) => ['change.approved', 'change.scheduled', 'change.running'].includes(a));

describe('a ServiceNow change cancelled or closed by the CAB while patchbot awaits its approval', () => {
  let sn: FakeServiceNow;
  let service: RunningService;
  const url = () => `${service.url}/itsm/servicenow`;

  beforeAll(async () => {
    sn = await startFakeServiceNow({ approvers: ['CAB Manager'] });
    service = await serviceWith(serviceNowItsm(sn));
  }, 120_000);
  afterAll(async () => {
    await service?.stop('test over');
    await sn?.stop();
  });

  it('cancels the change on the webhook: one card naming what ServiceNow records, one audit entry, nothing runs, repeats change nothing', async () => {
    const { id, key } = await proposeAndWait(service, (k) => sn.change(k).state === '-4');
    sn.setStateByHand(key, '4', { by: 'cab.chair' });
    expect((await sn.fireWebhook(url(), key, SECRET)).status).toBe(202);
    await until('the change to be cancelled', async () => (await stateOf(service, id)) === 'cancelled');

    const title = `${id}: cancelled in ServiceNow`;
    await until('the card', async () => (await titled(service, title)).length > 0);
    const updatedOn = sn.change(key).fields.sys_updated_on;
    expect(await cardText(service, title)).toBe(
      `${key} was cancelled in ServiceNow (Canceled); ServiceNow records its last update by cab.chair at ${updatedOn}. patchbot cancelled ${id} while it awaited approval: it will not run.`,
    );
    const audit = await auditOf(service, id);
    expect(audit.filter((e) => e.action === 'change.cancelled')).toEqual([
      {
        actor: 'cab.chair (in ServiceNow)',
        action: 'change.cancelled',
        data: expect.objectContaining({ from: 'pending-approval', source: 'servicenow', ticket: key, ticketState: 'Canceled', by: 'cab.chair' }),
      },
    ]);
    expect(ranOrApproved(audit)).toEqual([]);
    // The ticket hears patchbot's side once, and stays Canceled.
    await settledOutbox(service.runtime, id);
    await until('the note on the ticket', async () => firstLines(sn.workNotes(key)).some((n) => n.startsWith('Cancelled in patchbot by cab.chair (in ServiceNow)')));
    expect(sn.change(key).state).toBe('4');

    // The same delivery again is a duplicate. A new delivery (the record touched again) and two
    // more checks (a retry, a poll) do run, find the change decided, and change nothing.
    expect(JSON.parse((await sn.fireWebhook(url(), key, SECRET, { redeliver: true })).body)).toMatchObject({ duplicate: true });
    expect(checksDone(id)).toEqual(['cancelled']);
    sn.setStateByHand(key, '4', { by: 'cab.chair' });
    expect(JSON.parse((await sn.fireWebhook(url(), key, SECRET)).body)).toMatchObject({ change: id });
    await service.runtime.queue.send(ITSM_CHECK_QUEUE, { changeId: id }, { key: `again:${id}` });
    await until('the repeated checks to end', async () => checksDone(id).length === 3);
    expect(checksDone(id)).toEqual(['cancelled', 'not-pending', 'not-pending']);
    await settledOutbox(service.runtime, id);
    expect(await titled(service, title)).toHaveLength(1);
    expect((await auditOf(service, id)).filter((e) => e.action.startsWith('change.'))).toEqual(audit.filter((e) => e.action.startsWith('change.')));
    expect(firstLines(sn.workNotes(key)).filter((n) => n.startsWith('Cancelled in patchbot'))).toHaveLength(1);
  });

  it('catches a change closed unsuccessful, after an approval it outranks, by polling alone', async () => {
    const { id, key } = await proposeAndWait(service, (k) => sn.change(k).state === '-4');
    // The CAB approved, then closed the change unsuccessful; neither webhook arrived.
    sn.approve(key, 'CAB Manager');
    sn.setStateByHand(key, '3', { by: 'cab.chair', closeCode: 'unsuccessful' });
    await settledOutbox(service.runtime, id);
    expect(await stateOf(service, id)).toBe('pending-approval');
    await poll(service);
    await until('polling to cancel the change', async () => (await stateOf(service, id)) === 'cancelled');
    expect(ranOrApproved(await auditOf(service, id))).toEqual([]);
    const title = `${id}: cancelled in ServiceNow`;
    await until('the card', async () => (await titled(service, title)).length > 0);
    expect(await cardText(service, title)).toContain(`${key} was cancelled in ServiceNow (Closed (unsuccessful)); ServiceNow records its last update by cab.chair`);
  });

  it('cancels an approved change whose rollout has not started when the CAB cancels its ticket', async () => {
    const { id, key } = await proposeAndWait(service, (k) => sn.change(k).state === '-4', { when: '' });
    sn.approve(key, 'CAB Manager');
    expect((await sn.fireWebhook(url(), key, SECRET)).status).toBe(202);
    await until('the change to be scheduled', async () => (await stateOf(service, id)) === 'scheduled');
    await settledOutbox(service.runtime, id);
    sn.setStateByHand(key, '4', { by: 'cab.chair' });
    expect((await sn.fireWebhook(url(), key, SECRET)).status).toBe(202);
    await until('the change to be cancelled', async () => (await stateOf(service, id)) === 'cancelled');
    const audit = await auditOf(service, id);
    expect(audit.map((e) => e.action).filter((a) => a === 'change.running')).toEqual([]);
    expect(audit.find((e) => e.action === 'change.cancelled')).toMatchObject({ actor: 'cab.chair (in ServiceNow)', data: { from: 'scheduled' } });
    await until('the card', async () => (await titled(service, `${id}: cancelled in ServiceNow`)).length > 0);
    expect(await cardText(service, `${id}: cancelled in ServiceNow`)).toContain(`patchbot cancelled ${id} before its rollout started: it will not run.`);
  });
});

describe('a Jira change cancelled or declined while patchbot awaits its approval', () => {
  let jira: FakeJira;
  let service: RunningService;
  const url = () => `${service.url}/itsm/jira`;
  const awaiting = (k: string) => jira.issue(k).status === 'Awaiting approval';
  const carol = { name: 'Carol Chair', accountId: 'acc-carol' };

  beforeAll(async () => {
    jira = await startFakeJira();
    service = await serviceWith(['approval: { source: both }', 'itsm:', '  kind: jira', jiraItsmLine(jira)]);
  }, 120_000);
  afterAll(async () => {
    await service?.stop('test over');
    await jira?.stop();
  });

  it('cancels the change on the webhook, naming the Jira account the changelog shows; a redelivery changes nothing', async () => {
    const { id, key } = await proposeAndWait(service, awaiting);
    jira.setStatusByHand(key, 'Canceled', carol);
    expect((await jira.fireWebhook(url(), key, SECRET)).status).toBe(202);
    await until('the change to be cancelled', async () => (await stateOf(service, id)) === 'cancelled');
    const title = `${id}: cancelled in Jira`;
    await until('the card', async () => (await titled(service, title)).length > 0);
    const at = jira.issue(key).history!.at(-1)!.created;
    expect(await cardText(service, title)).toBe(
      `${key} was cancelled in Jira (Canceled) by Carol Chair (acc-carol) at ${at}. patchbot cancelled ${id} while it awaited approval: it will not run.`,
    );
    const audit = await auditOf(service, id);
    expect(audit.filter((e) => e.action === 'change.cancelled')).toEqual([expect.objectContaining({ actor: 'Carol Chair (acc-carol) (in Jira)' })]);
    expect(ranOrApproved(audit)).toEqual([]);
    expect(JSON.parse((await jira.fireWebhook(url(), key, SECRET, { redeliver: true })).body)).toMatchObject({ duplicate: true });
    await settledOutbox(service.runtime, id);
    expect(jira.issue(key).status).toBe('Canceled');
    expect(await titled(service, title)).toHaveLength(1);
  });

  it('rejects the change when the issue is declined, caught by polling', async () => {
    const { id, key } = await proposeAndWait(service, awaiting);
    jira.setStatusByHand(key, 'Declined', carol);
    await poll(service);
    await until('the change to be rejected', async () => (await stateOf(service, id)) === 'rejected');
    expect((await auditOf(service, id)).find((e) => e.action === 'change.rejected')).toMatchObject({
      actor: 'Carol Chair (acc-carol) (in Jira)',
      data: { rejections: ['Carol Chair (acc-carol) (in Jira)'] },
    });
    await until('the card', async () => (await titled(service, `${id}: rejected in Jira`)).length === 1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleQueue } from '../../src/jobs/scheduler.ts';
import type { RunningService } from '../../src/service/start-service.ts';
import { ITSM_POLL_SCHEDULE } from '../../src/tickets/itsm-approval-jobs.ts';
import { type FakeJira, startFakeJira } from '../support/fake-jira.ts';
import { type FakeServiceNow, startFakeServiceNow } from '../support/fake-servicenow.ts';
import { postWebhook } from '../support/fakes/http-fake.ts';
import { consoleHistoryOf } from '../support/console-history.ts';
import { withoutCodeMarks } from '../../adapters/teams/card-markdown.ts';
import { auditOf, ITSM_SECRET, jiraItsmLine, proposeAndWait, serviceNowItsm, startItsmService, stateOf } from './itsm-harness.ts';
import { settledOutbox, threadTitles, until } from './ticket-harness.ts';

/**
 * Approvals made in the ITSM decide the change (approval.source itsm | both): the real service,
 * its /itsm/* routes on the one HTTP server, and polling as reconciliation for a lost webhook.
 */
const SECRET = ITSM_SECRET;

/**
 * People with their ITSM account ids. olga has none: with her as the requester patchbot cannot tell
 * her approval from anyone else's. Display names in the ITSM differ from these names on purpose.
 */
const PEOPLE = [
  'people:',
  '  - { name: alice, email: alice@example.com, jira: acc-alice, servicenow: alice.liddell, roles: [oncall, admin] }',
  '  - { name: olga, email: olga@example.com, roles: [oncall] }',
  '  - { name: bob, email: bob@example.com, jira: acc-bob, servicenow: bob.b, roles: [cab] }',
  '  - { name: dave, email: dave@example.com, jira: acc-dave, servicenow: dave.d, roles: [cab, oncall] }',
  // Names with a pair of backticks, as anyone may type one: the thread must show them as written.
  '  - { name: "ma `x` ry", jira: acc-mary, roles: [oncall] }',
  '  - { name: "no `id` ra", roles: [oncall] }',
];

const serviceWith = (extra: string[]): Promise<RunningService> => startItsmService([...PEOPLE, ...extra]);

describe('CAB approval in ServiceNow, approval.source: itsm', () => {
  let sn: FakeServiceNow;
  let service: RunningService;

  beforeAll(async () => {
    sn = await startFakeServiceNow({ approvers: ['CAB Manager'] });
    service = await serviceWith(serviceNowItsm(sn));
  }, 120_000);
  afterAll(async () => {
    await service?.stop('test over');
    await sn?.stop();
  });

  it('refuses forged webhooks (401, nothing changes) and releases the change on the genuine one', async () => {
    const { id, key } = await proposeAndWait(service, (k) => sn.change(k).state === '-4');
    expect(sn.change(key).approval).toBe('requested');
    sn.approve(key, 'CAB Manager');
    const url = `${service.url}/itsm/servicenow`;

    expect((await sn.fireWebhook(url, key, 'not-the-secret')).status).toBe(401);
    expect((await sn.fireWebhook(url, key, SECRET, { tamper: true })).status).toBe(401);
    expect((await postWebhook(url, JSON.stringify({ number: key, sys_id: sn.change(key).sys_id }), {})).status).toBe(401);
    expect((await postWebhook(`${service.url}/itsm/jira`, '{}', {})).status).toBe(404);
    // A refusal is answered before anything is queued (receiveItsmWebhook), so these answers are
    // the end of those requests; the outbox being settled shows nothing else is under way.
    await settledOutbox(service.runtime, id);
    expect(await stateOf(service, id)).toBe('pending-approval');
    expect((await auditOf(service, id)).map((e) => e.action)).not.toContain('change.approved');

    const genuine = await sn.fireWebhook(url, key, SECRET);
    expect(genuine.status).toBe(202);
    await until('the change to be approved and released', async () => ['scheduled', 'running', 'completed'].includes((await stateOf(service, id)) ?? ''));
    // A redelivery of the same news is ignored.
    expect(JSON.parse((await sn.fireWebhook(url, key, SECRET, { redeliver: true })).body)).toMatchObject({ duplicate: true });

    // The CAB manager is no patchbot person: the audit names them as ServiceNow shows them, marked so.
    const approved = (await auditOf(service, id)).find((e) => e.action === 'change.approved');
    expect(approved).toMatchObject({ actor: 'CAB Manager (in ServiceNow)', data: { source: 'servicenow', ticket: key, approvers: ['CAB Manager (in ServiceNow)'] } });
    expect(approved?.data.decisions).toEqual([{ approver: 'CAB Manager', identity: { id: 'cab.manager', verifiedEmail: null }, decision: 'approved' }]);
    // The card follows the committed approval: wait for it, then read.
    await until('the approval card', async () => (await threadTitles(service.runtime)).includes(`${id}: approved in ServiceNow`));
    expect(await threadTitles(service.runtime)).toContain(`${id}: approved in ServiceNow`);
    await until('the approval note on the ticket', async () => sn.workNotes(key).some((n) => n.startsWith('Approved in patchbot by CAB Manager (in ServiceNow).')));
  });

  it('catches an approval whose webhook was lost, by polling', async () => {
    const { id, key } = await proposeAndWait(service, (k) => sn.change(k).state === '-4');
    // The CAB approves; the business rule's webhook never arrives.
    sn.approve(key, 'CAB Manager');
    // Nothing tells patchbot: with its outbox settled there is no work left that could.
    await settledOutbox(service.runtime, id);
    expect(await stateOf(service, id)).toBe('pending-approval');

    // One firing of the polling schedule, as node-cron sends it (once across replicas).
    expect(service.runtime.tickets.schedules).toEqual([{ name: ITSM_POLL_SCHEDULE, cron: '0 0 */1 * * *' }]);
    await service.runtime.queue.send(scheduleQueue(ITSM_POLL_SCHEDULE), { schedule: ITSM_POLL_SCHEDULE, firedAt: new Date().toISOString() });
    await until('polling to release the change', async () => ['scheduled', 'running', 'completed'].includes((await stateOf(service, id)) ?? ''));
    expect((await auditOf(service, id)).find((e) => e.action === 'change.approved')).toMatchObject({ actor: 'CAB Manager (in ServiceNow)', data: { source: 'servicenow', ticket: key } });
  });

  it('applies a rejection made in ServiceNow and declines the ticket', async () => {
    const { id, key } = await proposeAndWait(service, (k) => sn.change(k).state === '-4');
    sn.reject(key, 'CAB Manager');
    expect((await sn.fireWebhook(`${service.url}/itsm/servicenow`, key, SECRET)).status).toBe(202);
    await until('the change to be rejected', async () => (await stateOf(service, id)) === 'rejected');
    expect((await auditOf(service, id)).find((e) => e.action === 'change.rejected')).toMatchObject({ actor: 'CAB Manager (in ServiceNow)', data: { source: 'servicenow' } });
    await until('the ticket to be declined', async () => sn.change(key).state === '4');
  });

  it('refuses an approval by the requester alone, known by user_name though ServiceNow calls her "Alice Liddell"', async () => {
    const { id, key } = await proposeAndWait(service, (k) => sn.change(k).state === '-4');
    sn.approve(key, { name: 'Alice Liddell', user_name: 'alice.liddell' });
    expect((await sn.fireWebhook(`${service.url}/itsm/servicenow`, key, SECRET)).status).toBe(202);
    await until('the refusal in the thread', async () => (await threadTitles(service.runtime)).includes(`${id}: approval in ServiceNow not applied`));
    expect(await stateOf(service, id)).toBe('pending-approval');
    expect((await auditOf(service, id)).find((e) => e.action === 'itsm.approval-refused')).toMatchObject({ data: { ticket: key, reason: 'approved only by the requester' } });

    // The CAB is asked again and its manager approves: the same state and approval as alice's
    // approval left, but a new update of the record, so the webhook is news, not a redelivery.
    sn.requestApprovalAgain(key);
    expect((await sn.fireWebhook(`${service.url}/itsm/servicenow`, key, SECRET)).status).toBe(202);
    sn.approve(key, 'CAB Manager');
    const again = await sn.fireWebhook(`${service.url}/itsm/servicenow`, key, SECRET);
    expect([again.status, again.body]).toEqual([202, expect.not.stringContaining('duplicate')]);
    await until('the change to be approved by the CAB manager', async () => (await stateOf(service, id)) !== 'pending-approval');
    expect((await auditOf(service, id)).find((e) => e.action === 'change.approved')).toMatchObject({ actor: 'CAB Manager (in ServiceNow)' });
  });
});

describe('Service Management approvers in Jira, approval.source: both', () => {
  let jira: FakeJira;
  let service: RunningService;

  beforeAll(async () => {
    jira = await startFakeJira();
    service = await serviceWith(['approval: { source: both }', 'itsm:', '  kind: jira', jiraItsmLine(jira)]);
  }, 120_000);
  afterAll(async () => {
    await service?.stop('test over');
    await jira?.stop();
  });

  const url = () => `${service.url}/itsm/jira`;
  const votesOf = async (id: string) => (await service.runtime.store.votes.list(id)).map((v) => [v.person, v.decision, v.surface]);
  const awaiting = (k: string) => jira.issue(k).status === 'Awaiting approval';

  it("counts an approver mapped by accountId as that person's vote, through the same tally as chat", async () => {
    const { id, key } = await proposeAndWait(service, awaiting);
    jira.setApproval(key, 'approved', [{ name: 'Dave Jones', accountId: 'acc-dave', decision: 'approved' }]);
    expect((await jira.fireWebhook(url(), key, SECRET, { tamper: true })).status).toBe(401);
    expect((await jira.fireWebhook(url(), key, SECRET, { deliveryId: 'delivery-1' })).status).toBe(202);
    await until('the change to be approved', async () => (await stateOf(service, id)) !== 'pending-approval');

    expect(await votesOf(id)).toEqual([['dave', 'approve', 'jira']]);
    expect((await auditOf(service, id)).find((e) => e.action === 'change.approved')).toMatchObject({ actor: 'dave' });
    expect(JSON.parse((await jira.fireWebhook(url(), key, SECRET, { redeliver: true })).body)).toMatchObject({ duplicate: true });
    // Moved on from approval: scheduled, running, or already at the end of a dry run, which
    // cancels the issue (nothing was implemented; lifecycle.ts).
    await until('the issue to be scheduled', async () => ['Scheduled', 'Implementing', 'Completed', 'Canceled'].includes(jira.issue(key).status));
  });

  it('does not apply an approval by the requester alone, whose Jira display name is not her patchbot name', async () => {
    const { id, key } = await proposeAndWait(service, awaiting);
    jira.setApproval(key, 'approved', [{ name: 'Alice Liddell', accountId: 'acc-alice', decision: 'approved' }]);
    expect((await jira.fireWebhook(url(), key, SECRET)).status).toBe(202);
    await until('the refusal in the thread', async () => (await threadTitles(service.runtime)).includes(`${id}: approval in Jira not applied`));
    expect(await stateOf(service, id)).toBe('pending-approval');
    expect(await votesOf(id)).toEqual([]);
    expect((await auditOf(service, id)).map((e) => e.action)).toContain('itsm.approval-refused');
  });

  it('never counts a Jira user who names themselves "dave" as the patchbot person dave', async () => {
    const { id, key } = await proposeAndWait(service, awaiting);
    jira.setApproval(key, 'approved', [{ name: 'dave', accountId: 'acc-mallory', decision: 'approved' }]);
    expect((await jira.fireWebhook(url(), key, SECRET)).status).toBe(202);
    // Jira's own decision still decides (mallory is an approver there, and not the requester), as Jira's, not as dave's vote.
    await until('the change to be approved', async () => (await stateOf(service, id)) !== 'pending-approval');
    expect(await votesOf(id)).toEqual([]);
    const audit = await auditOf(service, id);
    expect(audit.filter((e) => e.actor === 'dave')).toEqual([]);
    expect(audit.find((e) => e.action === 'change.approved')).toMatchObject({ actor: 'dave (in Jira)', data: { approvers: ['dave (in Jira)'] } });
  });

  it('names a Jira approver as Jira shows them, backticks and all: their display name is theirs to type', async () => {
    const { id, key } = await proposeAndWait(service, awaiting);
    jira.setApproval(key, 'approved', [{ name: 'Mallory `CAB`', accountId: 'acc-mallory', decision: 'approved' }]);
    expect((await jira.fireWebhook(url(), key, SECRET)).status).toBe(202);
    const told = await until('the approval in the thread', async () =>
      (await consoleHistoryOf(service.runtime).recent('approvals', null, 200)).find((m) => m.card?.title === `${id}: approved in Jira`),
    );
    // As Teams shows it (code marks dropped): an unescaped pair would have lost its backticks.
    expect(withoutCodeMarks(told.card?.text ?? '')).toBe(`${key} was approved by Mallory \`CAB\` in Jira.`);
  });

  it('names the requester as written where an approval is not applied: approved by her alone, or she has no Jira id', async () => {
    const thread = async (title: string) =>
      until(title, async () => (await consoleHistoryOf(service.runtime).recent('approvals', null, 200)).find((m) => m.card?.title === title)?.card?.text);
    const alone = await proposeAndWait(service, awaiting, { requester: 'ma `x` ry' });
    jira.setApproval(alone.key, 'approved', [{ name: 'Mary', accountId: 'acc-mary', decision: 'approved' }]);
    expect((await jira.fireWebhook(url(), alone.key, SECRET)).status).toBe(202);
    expect(withoutCodeMarks(await thread(`${alone.id}: approval in Jira not applied`))).toContain('only by the requester, ma `x` ry; separation');
    const unmapped = await proposeAndWait(service, awaiting, { requester: 'no `id` ra' });
    jira.setApproval(unmapped.key, 'approved', [{ name: 'Change Manager', accountId: 'acc-cm', decision: 'approved' }]);
    expect((await jira.fireWebhook(url(), unmapped.key, SECRET)).status).toBe(202);
    const held = withoutCodeMarks(await thread(`${unmapped.id}: approval in Jira not applied yet`));
    expect(held).toContain('but no `id` ra (the requester) has no Jira account id configured');
    expect(held).toContain('set people[].jira for no `id` ra (their Jira accountId');
  });

  it('holds an approval while the requester has no Jira id, says once what to set, and still applies a rejection', async () => {
    const { id, key } = await proposeAndWait(service, awaiting, { requester: 'olga' });
    jira.setApproval(key, 'approved', [{ name: 'Change Manager', accountId: 'acc-cm', decision: 'approved' }]);
    const reads = () => jira.requests.filter((r) => r.path === `/rest/servicedeskapi/request/${key}/approval`).length;
    expect((await jira.fireWebhook(url(), key, SECRET)).status).toBe(202);
    const notice = `${id}: approval in Jira not applied yet`;
    await until('the notice in the thread', async () => (await threadTitles(service.runtime)).includes(notice));
    expect(await stateOf(service, id)).toBe('pending-approval');
    const held = (await auditOf(service, id)).filter((e) => e.action === 'itsm.approval-unproven');
    expect(held).toEqual([expect.objectContaining({ actor: 'patchbot', data: expect.objectContaining({ ticket: key, fix: expect.stringContaining('set people[].jira for olga') }) })]);
    const text = (await consoleHistoryOf(service.runtime).recent('approvals', null, 200)).find((m) => m.card?.title === notice)?.card?.text;
    expect(text).toContain('olga (the requester) has no Jira account id configured');

    // Two more checks of the same approval (a webhook and a poll) read it again and post nothing.
    expect((await jira.fireWebhook(url(), key, SECRET)).status).toBe(202);
    await service.runtime.queue.send(scheduleQueue(ITSM_POLL_SCHEDULE), { schedule: ITSM_POLL_SCHEDULE, firedAt: new Date().toISOString() });
    await until('both checks to read the approval', async () => reads() >= 3);
    // Then Jira declines: refusing is always safe, so the rejection applies without any id.
    jira.setApproval(key, 'declined', [{ name: 'Change Manager', accountId: 'acc-cm', decision: 'declined' }]);
    expect((await jira.fireWebhook(url(), key, SECRET)).status).toBe(202);
    await until('the change to be rejected', async () => (await stateOf(service, id)) === 'rejected');
    await until('the rejection in the thread', async () => (await threadTitles(service.runtime)).includes(`${id}: rejected in Jira`));
    expect((await threadTitles(service.runtime)).filter((t) => t === notice)).toHaveLength(1);
    expect((await auditOf(service, id)).filter((e) => e.action === 'itsm.approval-unproven')).toHaveLength(1);
  });
});

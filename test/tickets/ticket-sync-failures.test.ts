import { afterEach, describe, expect, it } from 'vitest';
import { adfPlainText } from '../../adapters/jira/adf.ts';
import { type FakeJira, startFakeJira } from '../support/fake-jira.ts';
import { type FakeServiceNow, startFakeServiceNow } from '../support/fake-servicenow.ts';
import { DEFAULT_WORKFLOW } from '../support/fakes/jira-issues.ts';
import { ask, firstLines, PATCH, settledOutbox, stampsOf, startTicketRuntime, type TicketRuntime, threadTitles, until } from './ticket-harness.ts';
import { consoleHistoryOf } from '../support/console-history.ts';

/** Ticket sync when the ITSM is away, and when it says no. */
const running: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});

const snYaml = (sn: FakeServiceNow) => {
  const c = sn.config();
  return ['itsm:', '  kind: servicenow', `  servicenow: { instanceUrl: "${c.instanceUrl}", username: ${c.username}, password: ${c.password} }`];
};
const jiraYaml = (jira: FakeJira) => {
  const c = jira.config();
  return ['itsm:', '  kind: jira', `  jira: { baseUrl: "${c.baseUrl}", email: ${c.email}, apiToken: ${c.apiToken}, projectKey: ${c.projectKey}, issueType: Change }`];
};

describe('ticket sync through an ITSM outage', () => {
  it('delays the ticket and loses nothing: every note once, in order, and the right end state', async () => {
    const sn = await startFakeServiceNow();
    running.push(sn);
    // The thread hears of the lag once it has lasted 1 s (a few minutes by default).
    const harness: TicketRuntime = await startTicketRuntime(snYaml(sn), { lagNoticeMs: 1_000 });
    running.unshift(harness);
    const { runtime } = harness;

    const id = String((await ask(runtime, 'alice', `propose ${PATCH} to canary prod-web at now`)).data?.change);
    const { key } = await until('the ticket to be opened', async () => (await runtime.store.tickets.forChange(id))[0]);
    await ask(runtime, 'dave', `approve ${id}`);
    await until('the approval to reach the ticket', async () => (await runtime.store.ticketOutbox.list(id))[1]?.state === 'sent');
    // The outage: after the approval, before the waves are done.
    await sn.stop();
    await until('the change to complete without its ITSM', async () => (await runtime.store.changes.get(id))?.state === 'completed');
    const lagCards = async (what: RegExp) => (await threadTitles(runtime)).filter((title) => what.test(title));
    const told = await until('the thread to hear that the ticket lags', async () => {
      const cards = await lagCards(/ServiceNow unreachable since/);
      return cards.length > 0 && cards;
    });
    expect(told[0]).toMatch(new RegExp(`^${id}: ServiceNow unreachable since \\d\\d:\\d\\d UTC; \\d+ updates? waiting$`));
    const attemptsWhenTold = (await runtime.store.ticketOutbox.list(id)).find((e) => e.state === 'pending')?.attempts ?? 0;
    // The outbox has the end of the story and has tried its head again since: what the outage looks like.
    const waiting = await until('the waiting head to be retried', async () => {
      const pending = (await runtime.store.ticketOutbox.list(id)).filter((e) => e.state === 'pending');
      return pending.some((e) => e.event.kind === 'completed') && (pending[0]?.attempts ?? 0) > attemptsWhenTold + 1 && pending;
    });
    // Once: the failed attempts after the notice did not repeat it.
    expect(await lagCards(/ServiceNow unreachable since/)).toHaveLength(1);
    expect(waiting.map((e) => e.event.kind)).toEqual(expect.arrayContaining(['wave', 'completed']));
    // Only the ticket's first waiting entry is tried, again and again; the rest wait their turn.
    expect(waiting[0]!.attempts).toBeGreaterThan(1);
    expect(waiting[0]!.lastError).toMatch(/^retryable: .*no answer from http:\/\/127\.0\.0\.1/);
    expect(waiting[0]!.lag).toMatchObject({ since: expect.any(Date), told: true });
    expect(waiting.slice(1).every((e) => e.attempts === 0)).toBe(true);
    // Nothing moved the ticket to an end state while ServiceNow was down: neither Closed ('3') nor
    // Canceled ('4'), which is where a dry run's end takes it.
    expect(['3', '4']).not.toContain(sn.change(key).state);

    await sn.start();
    // The first update after the outage is applied but its answer is lost: the retry must see its stamp.
    sn.dropNext(1, 'after', { method: 'PATCH' });
    const entries = await settledOutbox(runtime, id, 60_000);
    expect(entries.every((e) => e.state === 'sent')).toBe(true);
    expect(sn.requests.some((r) => r.status === 'dropped')).toBe(true);
    await until('the thread to hear the ticket caught up', async () => (await lagCards(/ServiceNow answers again; the ticket is catching up/)).length === 1);

    const notes = sn.workNotes(key);
    expect(firstLines(notes)).toEqual([
      'Approved in patchbot by dave.',
      // A normal change proposed `at now` is not an emergency, and the ticket does not say it is.
      'Implementation started: Immediate start requested by alice: starting immediately.',
      // The service runs in dry run (the default): the notes say so and never say "patched".
      'Wave 1 of 2 done (dry run: nothing was changed on the hosts): 1 would patch, 0 failed, 0 skipped (1 host).',
      'Wave 2 of 2 done (dry run: nothing was changed on the hosts): 3 would patch, 0 failed, 0 skipped (3 hosts).',
      expect.stringMatching(/^Dry run completed: 4 of 4 hosts would be patched \(dry run\)/),
    ]);
    expect(stampsOf(notes)).toEqual([`${id}.2`, `${id}.3`, `${id}.4`, `${id}.5`, `${id}.6`]);
    // Nothing was implemented: cancelled, with no close code for a report to count as a success.
    expect(sn.change(key).state).toBe('4');
    expect(sn.change(key).fields.close_code).toBeUndefined();
  }, 180_000);
});

describe('a lost answer to the create, through the outbox', () => {
  it.each(['servicenow', 'jira'] as const)(
    '%s: one ticket, and the thread is not told of a duplicate',
    async (system) => {
      // Cloud search lags the create by 500 ms in the fake: the retry must wait it out, not create again.
      const fake = system === 'servicenow' ? await startFakeServiceNow() : await startFakeJira();
      running.push(fake);
      fake.dropNext(1, 'after', { method: 'POST', path: system === 'servicenow' ? /change_request$/ : /\/issue$/ });
      const harness = await startTicketRuntime(system === 'servicenow' ? snYaml(fake as FakeServiceNow) : jiraYaml(fake as FakeJira));
      running.unshift(harness);
      const { runtime } = harness;

      const id = String((await ask(runtime, 'alice', `propose ${PATCH} to canary prod-web at now`)).data?.change);
      const proposed = await until('the ticket to be opened', async () => {
        const [first] = await runtime.store.ticketOutbox.list(id);
        return first?.state === 'sent' && first;
      });
      expect(proposed.attempts).toBe(2);
      expect(fake.requests.some((r) => r.status === 'dropped')).toBe(true);
      const tickets =
        system === 'servicenow'
          ? (fake as FakeServiceNow).changes().filter((c) => c.fields.correlation_id === id)
          : (fake as FakeJira).issues().filter((i) => (i.fields.labels as string[]).includes(`patchbot-${id}`));
      expect(tickets).toHaveLength(1);
      expect((await threadTitles(runtime)).filter((t) => t.includes('tickets for this change'))).toEqual([]);
    },
    120_000,
  );
});

describe('two tickets for one change', () => {
  it('keeps the oldest and says so in the change thread', async () => {
    const sn = await startFakeServiceNow();
    running.push(sn);
    // What an earlier installation's lost create and its retry left behind for the next change id.
    const older = sn.seed({ short_description: 'CHG-1: first', correlation_id: 'CHG-1', correlation_display: 'patchbot' });
    const newer = sn.seed({ short_description: 'CHG-1: again', correlation_id: 'CHG-1', correlation_display: 'patchbot' });
    const harness = await startTicketRuntime(snYaml(sn));
    running.unshift(harness);
    const { runtime } = harness;
    const id = String((await ask(runtime, 'alice', `propose ${PATCH} to canary prod-web at now`)).data?.change);
    expect(id).toBe('CHG-1');
    const { key } = await until('the ticket to be linked', async () => (await runtime.store.tickets.forChange(id))[0]);
    expect(key).toBe(older.number);
    const cards = await until('the duplicate card', async () => {
      const found = (await consoleHistoryOf(runtime).recent('approvals', null, 200)).filter((m) => m.card?.title === `${id}: ServiceNow holds 2 tickets for this change`);
      return found.length > 0 && found;
    });
    expect(cards[0]!.card?.text).toContain(`patchbot keeps the oldest, ${older.number}, and writes only to it. ${newer.number} was created by a retry`);
  }, 120_000);
});

describe('an ITSM error naming a URL with its password', () => {
  it('is stored and shown scrubbed, never with the password', async () => {
    const sn = await startFakeServiceNow();
    running.push(sn);
    const c = sn.config();
    await sn.stop();
    const url = c.instanceUrl.replace('http://', 'http://patchbot:Url-Pa55word@');
    const harness = await startTicketRuntime(['itsm:', '  kind: servicenow', `  servicenow: { instanceUrl: "${url}", username: ${c.username}, password: ${c.password} }`]);
    running.unshift(harness);
    const { runtime } = harness;
    const id = String((await ask(runtime, 'alice', `propose ${PATCH} to canary prod-web at now`)).data?.change);
    const [entry] = await until('the open to fail once', async () => {
      const entries = await runtime.store.ticketOutbox.list(id);
      return entries[0]?.lastError ? entries : undefined;
    });
    expect(entry!.lastError).toMatch(/no answer from http:\/\/patchbot:\[redacted\]@127\.0\.0\.1/);
    expect(entry!.lastError).not.toContain('Url-Pa55word');
  });
});

describe('a refused ticket update', () => {
  it('is a clear card in the change thread, and is not retried', async () => {
    // A workflow without "Implement" (and nothing else leading to Implementing).
    const jira = await startFakeJira({ workflow: { ...DEFAULT_WORKFLOW, transitions: DEFAULT_WORKFLOW.transitions.filter((t) => t.name !== 'Implement') } });
    running.push(jira);
    const harness = await startTicketRuntime(jiraYaml(jira));
    running.unshift(harness);
    const { runtime } = harness;

    const id = String((await ask(runtime, 'alice', `propose ${PATCH} to canary prod-web at now`)).data?.change);
    const { key } = await until('the issue to be opened', async () => (await runtime.store.tickets.forChange(id))[0]);
    await ask(runtime, 'dave', `approve ${id}`);
    await until('the change to complete', async () => (await runtime.store.changes.get(id))?.state === 'completed');
    const entries = await settledOutbox(runtime, id);

    expect(entries.map((e) => [e.event.kind, e.state, e.attempts])).toEqual([
      ['proposed', 'sent', 1],
      ['approved', 'sent', 1],
      ['note', 'sent', 1],
      ['wave', 'failed', 1],
      ['wave', 'failed', 1],
      // A dry run's end cancels the issue: the workflow has "Cancel" from Scheduled.
      ['completed', 'sent', 1],
    ]);
    expect(entries[3]!.lastError).toMatch(/is in status "Scheduled", which has no transition "Implement" .*available: "Cancel", "Decline"/);

    // Each card is posted just after its entry is marked failed: wait for the last one, then read.
    const refusals = async () => (await consoleHistoryOf(runtime).recent('approvals', null, 200)).filter((m) => m.card?.title === `${id}: Jira refused a ticket update`);
    await until('the second refusal card', async () => (await refusals()).length >= 2);
    const cards = await refusals();
    expect(cards.length).toBe(2);
    expect(cards[0]!.card?.text).toMatch(/recording "wave" on the ticket: .*no transition "Implement".*not retried/s);
    expect(await threadTitles(runtime)).not.toContain(`${id}: Jira did not accept patchbot's credentials`);

    // No retry loop: once the outbox has settled, a later change's ticket goes through the same
    // pump, and the refused issue hears nothing more meanwhile.
    const onIssue = () => jira.requests.filter((r) => r.path.split('/').includes(key)).length;
    const before = onIssue();
    const later = String((await ask(runtime, 'alice', `propose ${PATCH} to canary`)).data?.change);
    await settledOutbox(runtime, later);
    expect((await runtime.store.tickets.forChange(later))[0]?.key).not.toBe(key);
    expect(onIssue()).toBe(before);
    // Every event still reached the issue, in order: a refused move does not lose its comment,
    // which says where the issue stays and what it could not be moved to.
    const comments = jira.comments(key).map(adfPlainText);
    expect(firstLines(comments)).toEqual([
      'Approved in patchbot by dave.',
      expect.stringMatching(/^Implementation started/),
      expect.stringMatching(/^Wave 1 of 2 done/),
      expect.stringMatching(/^Wave 2 of 2 done/),
      expect.stringMatching(/^Dry run completed/),
    ]);
    expect(comments[2]).toMatch(/\nJira: the issue stays Scheduled; its workflow could not move it to Implementing\.\n\[patchbot event /);
    expect(comments[4]).not.toContain('could not move it');
    expect(stampsOf(comments)).toEqual([`${id}.2`, `${id}.3`, `${id}.4`, `${id}.5`, `${id}.6`]);
    expect(cards[0]!.card?.text).toContain(`The comment is on ${key}; only the move is missing.`);
    expect(jira.issue(key).status).toBe('Canceled');
  }, 180_000);
});

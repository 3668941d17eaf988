import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jiraTicketing } from '../../adapters/jira/jira-ticketing.ts';
import { TicketingError } from '../../src/tickets/ticketing-error.ts';
import type { Ticketing } from '../../src/tickets/ticketing.ts';
import { type FakeJira, startFakeJira } from '../support/fake-jira.ts';
import { DEFAULT_WORKFLOW } from '../support/fakes/jira-issues.ts';
import { rejection } from '../support/rejection.ts';
import { draft, ev } from './drafts.ts';

const failure = (promise: Promise<unknown>): Promise<TicketingError> => rejection(promise, TicketingError);

describe('Jira errors, retries and outages', () => {
  let jira: FakeJira;
  let tickets: Ticketing;
  beforeAll(async () => {
    jira = await startFakeJira();
    tickets = jiraTicketing(jira.config(), { timeoutMs: 5_000 });
  });
  afterAll(() => jira.stop());

  it('refuses an issue type or a field the create screen does not offer, naming what it does offer', async () => {
    const wrongType = jiraTicketing(jira.config({ issueType: 'Chnage' }));
    const error = await failure(wrongType.prepare!());
    expect(error).toMatchObject({ kind: 'rejected' });
    expect(error.message).toBe('itsm.jira.issueType: project OPS has no issue type "Chnage"; it offers "Task", "Change"');
    // Opening reads the screen first, so a create that would be refused is never sent.
    expect((await failure(wrongType.open(draft({ changeId: 'CHG-501' })))).message).toBe(error.message);

    const unknownField = jiraTicketing(jira.config({ fields: { risk: 'customfield_99999' } }));
    expect((await failure(unknownField.open(draft({ changeId: 'CHG-501' })))).message).toContain(
      'itsm.jira.fields.risk: customfield_99999 is not on the create screen of OPS / Change; its fields are project ("project"), issuetype ("issuetype"), summary ("Summary")',
    );
    expect(jira.issues().filter((i) => (i.fields.labels as string[]).includes('patchbot-CHG-501'))).toEqual([]);
  });

  it('turns a 429 into a retryable error with Retry-After and the rate-limit reason', async () => {
    jira.rateLimit(1, 5);
    const error = await failure(tickets.find('CHG-502'));
    expect(error).toMatchObject({ kind: 'retryable', status: 429, retryAfterMs: 5_000 });
    expect(error.message).toContain('Jira answered 429: Rate limit exceeded. [jira-burst-based]');
  });

  it('honours Retry-After on a 503, and treats a dead site as retryable', async () => {
    jira.unavailable(1, 2);
    expect(await failure(tickets.find('CHG-502'))).toMatchObject({ kind: 'retryable', status: 503, retryAfterMs: 2_000 });
    await jira.stop();
    try {
      expect(await failure(tickets.find('CHG-502'))).toMatchObject({ kind: 'retryable', status: null });
    } finally {
      await jira.start();
    }
  });

  it('turns bad credentials into an auth error', async () => {
    const error = await failure(jiraTicketing(jira.config({ apiToken: 'revoked' })).find('CHG-1'));
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
  });

  it('says which issue is missing', async () => {
    const error = await failure(tickets.record({ system: 'jira', key: 'OPS-404', url: null }, ev.note('hi')));
    expect(error.message).toBe('reading OPS-404: Jira answered 404: Issue does not exist or you do not have permission to see it.');
  });

  it('creates one issue when the create response is lost, though search has not caught up yet', async () => {
    jira.dropNext(1, 'after', { method: 'POST', path: /\/issue$/ });
    expect(await failure(tickets.open(draft({ changeId: 'CHG-503' })))).toMatchObject({ kind: 'retryable' });
    // The retry comes at once: the fake's search does not show the issue yet (Cloud lags), so a
    // single search would miss it. The retry waits out the configured lag instead of creating.
    const ref = await tickets.open(draft({ changeId: 'CHG-503' }), { retry: true });
    expect(ref).toEqual({ system: 'jira', key: expect.stringMatching(/^OPS-\d+$/), url: expect.any(String) });
    expect(await tickets.open(draft({ changeId: 'CHG-503' }))).toEqual(ref);
    expect(jira.issues().filter((i) => (i.fields.labels as string[]).includes('patchbot-CHG-503'))).toHaveLength(1);
  });

  it('keeps the oldest issue and names the others when two exist for one change', async () => {
    jira.dropNext(1, 'after', { method: 'POST', path: /\/issue$/ });
    await failure(tickets.open(draft({ changeId: 'CHG-506' })));
    // What an adapter that trusts one search does: the lagging index shows nothing, so it creates again.
    const second = await tickets.open(draft({ changeId: 'CHG-506' }));
    const both = jira
      .issues()
      .filter((i) => (i.fields.labels as string[]).includes('patchbot-CHG-506'))
      .map((i) => i.key);
    expect(both).toHaveLength(2);
    expect(second.key).toBe(both[1]);
    // Once search shows both, the oldest is the ticket and the other is named as a duplicate.
    jira.indexAll();
    const settled = await tickets.open(draft({ changeId: 'CHG-506' }), { retry: true });
    expect(settled).toMatchObject({ key: both[0], duplicates: [both[1]] });
  });

  it('comments once when the answer to the comment is lost', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-504' }));
    const note = ev.note('Pilot host web-01 rebooted cleanly.');
    jira.dropNext(1, 'after', { method: 'POST', path: /\/comment$/ });
    expect(await failure(tickets.record(ref, note))).toMatchObject({ kind: 'retryable' });
    expect(await tickets.record(ref, note)).toEqual({ state: 'Open', skipped: true });
    expect(jira.comments(ref.key)).toHaveLength(1);
  });

  it('loses nothing and duplicates nothing across an outage in the middle of a change', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-505' }));
    const events = [ev.approved(), ev.wave(1, 2, 1), ev.wave(2, 2, 3), ev.completed()];
    await tickets.record(ref, events[0]!);
    // The transition into Implementing is made but its answer is lost; then the site goes down.
    jira.dropNext(1, 'after', { method: 'POST', path: /\/transitions$/ });
    expect(await failure(tickets.record(ref, events[1]!))).toMatchObject({ kind: 'retryable' });
    expect(jira.issue(ref.key).status).toBe('Implementing');
    await jira.stop();
    expect(await failure(tickets.record(ref, events[1]!))).toMatchObject({ kind: 'retryable' });
    await jira.start();
    for (const event of events.slice(1)) await tickets.record(ref, event);
    expect(jira.issue(ref.key).status).toBe('Completed');
    expect(jira.comments(ref.key)).toHaveLength(4);
    expect(jira.violations).toEqual([]);
  });
});

describe('Jira transitions by name', () => {
  let jira: FakeJira;
  beforeAll(async () => {
    jira = await startFakeJira({
      workflow: {
        initial: 'Open',
        transitions: [
          ...DEFAULT_WORKFLOW.transitions.filter((t) => t.name !== 'Implement' && t.name !== 'Schedule'),
          // Named otherwise but leading to the status patchbot expects: found by its target.
          { id: '121', name: 'Ready to go', from: ['Open', 'Awaiting approval'], to: 'Scheduled' },
          { id: '131', name: 'Start work', from: ['Scheduled'], to: 'In progress' },
        ],
      },
    });
  });
  afterAll(() => jira.stop());

  it('finds a transition by the status it leads to, and lists the available names when none fits', async () => {
    const tickets = jiraTicketing(jira.config());
    const ref = await tickets.open(draft({ changeId: 'CHG-510' }));
    expect(await tickets.record(ref, ev.approved())).toEqual({ state: 'Scheduled', skipped: false });
    const error = await failure(tickets.record(ref, ev.wave(1, 1, 1)));
    expect(error.kind).toBe('rejected');
    expect(error.message).toBe(
      `${ref.key} is in status "Scheduled", which has no transition "Implement" (or any leading to "Implementing"); available: "Cancel", "Decline", "Start work". ` +
        "Name the workflow's transitions as docs/itsm.md lists them, or map patchbot's names to yours. " +
        `The comment is on ${ref.key}; only the move is missing.`,
    );
  });

  it("follows a mapping of patchbot's names to the workflow's", async () => {
    const tickets = jiraTicketing(jira.config(), { steps: { implementing: { transition: 'Start work', status: 'In progress' } } });
    const ref = await tickets.open(draft({ changeId: 'CHG-511' }));
    await tickets.record(ref, ev.approved());
    expect(await tickets.record(ref, ev.wave(1, 2, 1))).toEqual({ state: 'In progress', skipped: false });
    expect(await tickets.record(ref, ev.wave(2, 2, 1))).toEqual({ state: 'In progress', skipped: false });
  });

  it('looks the transitions up at run time, once per issue and status', async () => {
    const tickets = jiraTicketing(jira.config());
    const a = await tickets.open(draft({ changeId: 'CHG-512' }));
    const b = await tickets.open(draft({ changeId: 'CHG-513' }));
    const listed = (key: string) => jira.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/issue/${key}/transitions`)).length;
    // The transition itself fails once; the retry reuses the list fetched for that issue and status.
    jira.unavailable(1, undefined, { method: 'POST', path: /\/transitions$/ });
    const approved = ev.approved();
    expect(await failure(tickets.record(a, approved))).toMatchObject({ kind: 'retryable', status: 503 });
    await tickets.record(a, approved);
    await tickets.record(b, ev.approved());
    expect([listed(a.key), listed(b.key)]).toEqual([1, 1]);
    // A new status means a new list.
    await tickets.record(a, ev.cancelled());
    expect(listed(a.key)).toBe(2);
  });
});

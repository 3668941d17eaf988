import { afterEach, describe, expect, it } from 'vitest';
import { adfPlainText } from '../../adapters/jira/adf.ts';
import { jiraTicketing } from '../../adapters/jira/jira-ticketing.ts';
import { TicketingError } from '../../src/tickets/ticketing-error.ts';
import { type FakeJira, type FakeJiraOptions, startFakeJira } from '../support/fake-jira.ts';
import { DEFAULT_WORKFLOW, type FakeScreenField, type FakeWorkflow } from '../support/fakes/jira-issues.ts';
import { draft, ev } from './drafts.ts';

/**
 * What a Jira change looks like after a backout, and transitions whose screens ask for fields: the
 * workflow-specific parts of Jira that ServiceNow's fixed state model does not have.
 */
let jira: FakeJira | undefined;
afterEach(() => jira?.stop());

const start = async (options: FakeJiraOptions = {}) => {
  jira = await startFakeJira(options);
  return { jira, tickets: jiraTicketing(jira.config(), { timeoutMs: 5_000 }) };
};
const firstLines = (fake: FakeJira, key: string) => fake.comments(key).map((body) => adfPlainText(body).split('\n')[0]);
const withScreens = (screens: Record<string, Record<string, FakeScreenField>>, extra: Partial<FakeWorkflow> = {}): FakeWorkflow => ({
  ...DEFAULT_WORKFLOW,
  ...extra,
  transitions: [...DEFAULT_WORKFLOW.transitions, ...(extra.transitions ?? [])].map((t) => {
    const screen = screens[t.name];
    return screen ? { ...t, fields: screen } : t;
  }),
});
const RESOLUTION = (required: boolean): FakeScreenField => ({ name: 'Resolution', required, allowed: ['Done', "Won't Do", 'Duplicate', 'Declined', 'Backed out'] });

describe('a Jira change backed out after it completed', () => {
  it('moves from Completed to Failed, as ServiceNow closes it unsuccessful, and says so in a comment', async () => {
    const { jira, tickets } = await start();
    const ref = await tickets.open(draft({ changeId: 'CHG-701' }));
    await tickets.record(ref, ev.approved());
    await tickets.record(ref, ev.wave(1, 1, 4));
    expect(await tickets.record(ref, ev.completed())).toEqual({ state: 'Completed', skipped: false });
    expect(await tickets.record(ref, ev.rolledBack())).toEqual({ state: 'Failed', skipped: false });
    expect(jira.issue(ref.key).status).toBe('Failed');
    expect(firstLines(jira, ref.key).slice(-2)).toEqual([
      'Completed successfully: 4 of 4 hosts patched; rescan shows DSA-5600-1 installed',
      'Rolled back (backed out): rollback ran on web-01; openssl back to 3.0.11',
    ]);
    // The rollback's own waves, noted on the failed issue afterwards, move nothing.
    expect(await tickets.record(ref, ev.wave(1, 1, 4))).toEqual({ state: 'Failed', skipped: false });
  });

  it('keeps the comment where the workflow has no way out of Completed, and refuses with what to add', async () => {
    const noWayOut = { ...DEFAULT_WORKFLOW, transitions: DEFAULT_WORKFLOW.transitions.map((t) => (t.name === 'Fail' ? { ...t, from: ['Implementing', 'In review'] } : t)) };
    const { jira, tickets } = await start({ workflow: noWayOut });
    const ref = await tickets.open(draft({ changeId: 'CHG-702' }));
    await tickets.record(ref, ev.approved());
    await tickets.record(ref, ev.completed());
    const rolledBack = ev.rolledBack();
    const error = await tickets.record(ref, rolledBack).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TicketingError);
    expect(error).toMatchObject({ kind: 'rejected', message: expect.stringContaining('is in status "Completed", which has no transition "Fail" (or any leading to "Failed")') });
    expect(jira.issue(ref.key).status).toBe('Completed');
    const last = adfPlainText(jira.comments(ref.key).at(-1));
    expect(last).toBe(
      `Rolled back (backed out): rollback ran on web-01; openssl back to 3.0.11\nJira: the issue stays Completed; its workflow could not move it to Failed.\n[patchbot event ${rolledBack.id}]`,
    );
  });
});

describe('a move the workflow refuses on a change still running', () => {
  it('keeps the comment, saying where the issue is, and refuses naming the missing transition', async () => {
    const noComplete = { ...DEFAULT_WORKFLOW, transitions: DEFAULT_WORKFLOW.transitions.filter((t) => t.name !== 'Complete') };
    const { jira, tickets } = await start({ workflow: noComplete });
    const ref = await tickets.open(draft({ changeId: 'CHG-703' }));
    await tickets.record(ref, ev.approved());
    // Completed straight from Scheduled: Implement is taken, then Complete is missing.
    const completed = ev.completed();
    const error = await tickets.record(ref, completed).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'rejected',
      message: expect.stringMatching(
        /is in status "Implementing", which has no transition "Complete" \(or any leading to "Completed"\).* The comment is on OPS-\d+; only the move is missing\.$/,
      ),
    });
    expect(jira.issue(ref.key).status).toBe('Implementing');
    expect(adfPlainText(jira.comments(ref.key).at(-1))).toBe(
      `Completed successfully: 4 of 4 hosts patched; rescan shows DSA-5600-1 installed\nJira: the issue is in Implementing; its workflow could not move it to Completed.\n[patchbot event ${completed.id}]`,
    );
    // A retry finds the stamp and writes nothing more.
    expect(await tickets.record(ref, completed)).toEqual({ state: 'Implementing', skipped: true });
    expect(jira.comments(ref.key)).toHaveLength(2);
  });
});

describe('Jira transition screens', () => {
  it('sets the resolution a screen asks for: Done on completion, Backed out on a backout', async () => {
    const { jira, tickets } = await start({
      workflow: withScreens({ Complete: { resolution: RESOLUTION(true) }, Fail: { resolution: RESOLUTION(true) }, Implement: { resolution: RESOLUTION(false) } }),
    });
    const ref = await tickets.open(draft({ changeId: 'CHG-711' }));
    await tickets.record(ref, ev.approved());
    expect(await tickets.record(ref, ev.wave(1, 1, 4))).toEqual({ state: 'Implementing', skipped: false });
    // An optional resolution on a transition that does not end the change stays unset.
    expect(jira.issue(ref.key).fields.resolution).toBeUndefined();
    await tickets.record(ref, ev.completed());
    expect(jira.issue(ref.key).fields.resolution).toEqual({ name: 'Done' });
    await tickets.record(ref, ev.rolledBack());
    expect(jira.issue(ref.key)).toMatchObject({ status: 'Failed', fields: { resolution: { name: 'Backed out' } } });
    expect(jira.violations).toEqual([]);
  });

  it('refuses, naming them, a required resolution with no fitting option and a required field patchbot cannot fill', async () => {
    const screens = {
      Cancel: { resolution: { name: 'Resolution', required: true, allowed: ['Done', 'Duplicate'] } },
      Schedule: { customfield_10090: { name: 'Root cause', required: true } },
    };
    const { jira, tickets } = await start({ workflow: withScreens(screens) });
    const ref = await tickets.open(draft({ changeId: 'CHG-712' }));
    await expect(tickets.record(ref, ev.cancelled())).rejects.toThrow(
      `${ref.key}: transition "Cancel" requires a Resolution, and none of its options ("Done", "Duplicate") says how a canceled change ended; add a resolution named "Canceled" or "Cancelled"`,
    );
    await expect(tickets.record(ref, ev.approved())).rejects.toThrow(`${ref.key}: transition "Schedule" requires Root cause (customfield_10090), which patchbot cannot fill`);
    // Nothing was sent for Jira to refuse.
    expect(jira.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/transitions'))).toEqual([]);
  });
});

describe('a Jira issue closed by hand', () => {
  it('in a Done-category status patchbot does not know only takes comments, however it is named', async () => {
    const close = { id: '91', name: 'Close', from: '*' as const, to: 'Closed' };
    const { jira, tickets } = await start({
      workflow: { ...DEFAULT_WORKFLOW, transitions: [...DEFAULT_WORKFLOW.transitions, close], done: ['Completed', 'Failed', 'Canceled', 'Declined', 'Closed'] },
    });
    const ref = await tickets.open(draft({ changeId: 'CHG-721' }));
    await tickets.record(ref, ev.approved());
    jira.issue(ref.key).status = 'Closed';
    // patchbot left it Scheduled: someone closed it in Jira while the change goes on.
    expect(await tickets.record(ref, ev.wave(1, 2, 1), { lastState: 'Scheduled' })).toEqual({ state: 'Closed', skipped: false, closedOutside: true });
    expect(firstLines(jira, ref.key).at(-1)).toBe('Wave 1 of 2 done: 1 ok, 0 failed, 0 skipped (1 host).');
    // Said once: patchbot now knows it Closed. And an event that ends the change expects a finished issue.
    expect(await tickets.record(ref, ev.wave(2, 2, 3), { lastState: 'Closed' })).toEqual({ state: 'Closed', skipped: false });
    jira.issue(ref.key).status = 'Canceled';
    expect(await tickets.record(ref, ev.completed(), { lastState: 'Closed' })).toEqual({ state: 'Canceled', skipped: false });
  });
});

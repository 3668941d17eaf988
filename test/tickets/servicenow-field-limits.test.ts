import { afterEach, describe, expect, it } from 'vitest';
import { serviceNowTicketing } from '../../adapters/servicenow/servicenow-ticketing.ts';
import type { TicketEvent } from '../../src/tickets/ticketing.ts';
import { type FakeServiceNow, startFakeServiceNow } from '../support/fake-servicenow.ts';
import { draft, ev } from './drafts.ts';

/**
 * Long texts (a halt reason with host output, a summary naming many hosts, a long description)
 * kept within change_request's 4,000-character multi-line fields, through either API, with the
 * stamp whole so a retry still finds its note.
 */
let sn: FakeServiceNow | undefined;
afterEach(() => sn?.stop());

const long = (what: string, n: number) => `${what} ${'output line; '.repeat(Math.ceil(n / 13))}end`;

describe.each([
  { api: 'table' as const, changeApi: false },
  { api: 'change' as const, changeApi: true },
])('ServiceNow field lengths through the $api API', ({ api, changeApi }) => {
  it('shortens description, work notes and close notes to 4,000 characters before the stamp', async () => {
    sn = await startFakeServiceNow({ changeApi, approvalPolicy: 'pre-approved' });
    const tickets = serviceNowTicketing(sn.config({ api }), { timeoutMs: 5_000 });
    const ref = await tickets.open(draft({ changeId: 'CHG-901', description: long('Why:', 6_000) }));
    const fields = () => sn!.change(ref.key).fields;
    expect(fields().description!.length).toBeLessThanOrEqual(4_000);
    expect(fields().description).toMatch(/… \[shortened by patchbot to fit ServiceNow's 4000-character description: \d+ of \d+ characters left out\]$/);

    await tickets.record(ref, ev.approved());
    const halted = ev.halted(long('web-01 failed its smoke check:', 9_000));
    await tickets.record(ref, halted);
    const note = sn.workNotes(ref.key).at(-1)!;
    expect(note.length).toBeLessThanOrEqual(4_000);
    expect(note).toMatch(
      new RegExp(
        `^Halted: web-01 failed its smoke check: output line;.*… \\[shortened by patchbot to fit ServiceNow's 4000-character work_notes: \\d+ of \\d+ characters left out\\]\\n\\[patchbot event ${halted.id}\\]$`,
        's',
      ),
    );
    // The stamp survived: a retry of the same event writes nothing.
    expect(await tickets.record(ref, halted)).toMatchObject({ skipped: true });

    const failed: TicketEvent = { id: 'ev-long-close', kind: 'completed', outcome: 'unsuccessful', summary: long('3 of 40 hosts failed:', 8_000), postReview: false };
    expect(await tickets.record(ref, failed)).toMatchObject({ state: 'Closed' });
    expect(fields().close_code).toBe('unsuccessful');
    expect(fields().close_notes!.length).toBeLessThanOrEqual(4_000);
    expect(fields().close_notes).toMatch(/^Completed unsuccessfully: 3 of 40 hosts failed:.*characters left out\]$/s);
    expect(sn.workNotes(ref.key).at(-1)).toMatch(/\n\[patchbot event ev-long-close\]$/);
    // Nothing over a field's dictionary max_length reached the instance.
    expect(sn.violations).toEqual([]);
  });
});

describe("the fake's field lengths", () => {
  it('stores a write over max_length whole, as the instance does, and reports it', async () => {
    sn = await startFakeServiceNow();
    const row = sn.seed({ short_description: 'CHG-1: seeded', close_notes: 'x'.repeat(4_001) });
    expect(row.fields.close_notes).toHaveLength(4_001);
    expect(sn.violations).toEqual([`${row.number}.close_notes: 4001 characters, over its max_length of 4000`]);
  });
});

import type { OpenedTicket, RecordResult, TicketApproval, TicketDraft, TicketEvent, TicketRef, Ticketing } from './ticketing.ts';

/**
 * The default: no ITSM. patchbot's own change record is the ticket, so the ticket is the change id,
 * events change nothing elsewhere, and no approval ever comes from outside.
 */
export const noneTicketing = (): Ticketing => ({
  kind: 'none',
  async open(draft: TicketDraft): Promise<OpenedTicket> {
    return { system: 'none', key: draft.changeId, url: null };
  },
  async find(changeId: string): Promise<TicketRef | null> {
    return { system: 'none', key: changeId, url: null };
  },
  async record(_ref: TicketRef, _event: TicketEvent): Promise<RecordResult> {
    return { state: null, skipped: false };
  },
  async approvalOf(_ref: TicketRef): Promise<TicketApproval> {
    return { state: 'not-requested', decisions: [] };
  },
});

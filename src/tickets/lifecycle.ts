import type { TicketEvent } from './ticketing.ts';

/**
 * Where a ticket stands, in patchbot's words; each adapter maps a phase to its own states
 * (ServiceNow state codes, Jira transition and status names).
 */
export type TicketPhase = 'awaiting-approval' | 'scheduled' | 'implementing' | 'review' | 'completed' | 'failed' | 'canceled' | 'declined';

export interface TicketClosure {
  code: 'successful' | 'unsuccessful';
  notes: string;
}

/** What recording one event does to the ticket. */
export interface TicketMove {
  /** The phase the ticket should be in afterwards; null leaves it where it is. */
  phase: TicketPhase | null;
  /** Close code and notes, for the events that end the change. */
  closure: TicketClosure | null;
  /** The approval decision to record on the ticket, when patchbot decided it. */
  approval: 'approved' | 'rejected' | null;
  /** The work note / comment, without the stamp. */
  note: string;
}

const names = (people: string[]) => (people.length ? people.join(', ') : 'nobody named');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const moveFor = (event: TicketEvent): TicketMove => {
  const none = { closure: null, approval: null } as const;
  switch (event.kind) {
    case 'approved':
      return { ...none, phase: 'scheduled', approval: 'approved', note: `Approved in patchbot by ${names(event.approvers)}.` };
    case 'wave':
      return {
        ...none,
        phase: 'implementing',
        note: `Wave ${event.wave} of ${event.of} done${event.dryRun ? ' (dry run: nothing was changed on the hosts)' : ''}: ${event.ok} ${event.dryRun ? 'would patch' : 'ok'}, ${event.failed} failed, ${event.skipped} skipped (${plural(event.ok + event.failed + event.skipped, 'host')}).`,
      };
    case 'halted':
      return { ...none, phase: 'implementing', note: `Halted: ${event.reason}. Waiting for a decision in chat: resume, roll back or abort.` };
    case 'completed': {
      // Reports read the close code: a change that only printed its commands implemented nothing.
      if (event.dryRun && event.outcome === 'successful')
        return { ...none, phase: 'canceled', note: `Dry run completed: ${event.summary} Cancelled, not closed successful: nothing was implemented.` };
      const ok = event.outcome === 'successful';
      const text = `${ok ? 'Completed successfully' : 'Completed unsuccessfully'}: ${event.summary}`;
      const phase = event.postReview ? 'review' : ok ? 'completed' : 'failed';
      const review = event.postReview ? ' Left in review for the post-implementation review.' : '';
      return { phase, approval: null, closure: { code: event.outcome, notes: text }, note: `${text}${review}` };
    }
    case 'rolled-back':
      return { phase: 'failed', approval: null, closure: { code: 'unsuccessful', notes: `Backed out: ${event.summary}` }, note: `Rolled back (backed out): ${event.summary}` };
    case 'cancelled':
      return { ...none, phase: 'canceled', note: `Cancelled in patchbot by ${event.by}${event.reason ? `: ${event.reason}` : '.'}` };
    case 'expired':
      return { ...none, phase: 'canceled', note: 'Expired: no approval decision before the deadline; patchbot will not run this change.' };
    case 'rejected':
      return { ...none, phase: 'declined', approval: 'rejected', note: `Rejected in patchbot by ${names(event.by)}${event.reason ? `: ${event.reason}` : '.'}` };
    case 'note':
      return { ...none, phase: null, note: event.text };
  }
};

/** Events after which patchbot's change is over, so a finished ticket is what they expect. */
export const endsChange = (event: TicketEvent): boolean => ['completed', 'rolled-back', 'cancelled', 'expired', 'rejected'].includes(event.kind);

/**
 * A ticket found finished (`finished`, in a state patchbot did not leave it in) while the event
 * does not end the change: someone closed or cancelled it in the ITSM. `lastState` absent (no
 * context) is never taken for that.
 */
export const closedOutside = (finished: boolean, state: string, event: TicketEvent, context: { lastState: string | null } | undefined): boolean =>
  finished && context !== undefined && context.lastState !== state && !endsChange(event);

/**
 * The stamp a note carries so a retried event is recognised on the ticket (DESIGN §6: nothing
 * twice). It is plain text because every ITSM keeps plain text intact in notes and comments.
 */
export const eventStamp = (eventId: string): string => `[patchbot event ${eventId}]`;

export const stampedNote = (event: TicketEvent): string => `${moveFor(event).note}\n${eventStamp(event.id)}`;

import type { ChangeState } from '../changes/change.ts';
import { isExpired } from '../changes/tally.ts';
import { transitionChange } from '../changes/transition.ts';
import { SYSTEM_LABEL, type TicketSyncStore } from './ticket-sync-deps.ts';
import type { ApprovalDecision, TicketEnded, TicketRef } from './ticketing.ts';
import { hostText } from '../shared/host-text.ts';

/**
 * A change awaiting approval whose ticket the ITSM shows finished (cancelled, declined, closed):
 * no approval can come from that ticket any more, and a CAB that cancels in its own tool expects
 * the rollout not to happen. So the change ends as the ITSM says, the way a rejection there
 * applies: refusing is the safe direction, so no separation of duties gates it.
 *
 * Never a ticket patchbot closed itself: patchbot moves a ticket to a closed state only for an
 * event that ends the change (lifecycle.ts endsChange), committed in the same transaction as the
 * change leaving pending-approval. A change still pending-approval under its row lock therefore has
 * a ticket someone else closed.
 */
export type EndedOutcome = 'cancelled' | 'rejected' | 'not-pending';

/**
 * Approved but no host touched yet: a ticket cancelled now cancels the change too. The ITSM is
 * where this installation takes its approvals from, and its cancel withdraws one before anything
 * needs undoing. Once the rollout runs, stopping it mid-wave is a person's call: the thread hears
 * it (ticket-sync-deliver.ts) with `pause` and `cancel` offered.
 */
export const NOT_STARTED: readonly ChangeState[] = ['approved', 'scheduled'];

/** Who ended it, as the ITSM records it and marked as the ITSM's (never mapped to a person by name). */
const actorOf = (ended: TicketEnded, label: string) => (ended.by ? `${ended.by} (in ${label})` : `${label}`);

export const endFromItsm = async (store: TicketSyncStore, changeId: string, ref: TicketRef, ended: TicketEnded, decisions: ApprovalDecision[], now: Date): Promise<EndedOutcome> => {
  const label = SYSTEM_LABEL[ref.system] ?? ref.system;
  const actor = actorOf(ended, label);
  return store.transaction(async (tx): Promise<EndedOutcome> => {
    const change = await tx.changes.getForUpdate(changeId);
    if (!change || !(change.state === 'pending-approval' || NOT_STARTED.includes(change.state))) return 'not-pending';
    if (change.state === 'pending-approval' && isExpired(change, now)) {
      await transitionChange(tx, change, 'expired', 'patchbot', now, { reason: 'approval window elapsed' });
      return 'not-pending';
    }
    const reason = `${ref.key} ${ended.outcome} in ${label} (${ended.state})`;
    const source = { source: ref.system, ticket: ref.key, ticketState: ended.state, by: ended.by, at: ended.at, decisions };
    // Only a change still awaiting approval can be rejected; an approved one is cancelled.
    const outcome = change.state === 'pending-approval' ? ended.outcome : 'cancelled';
    const data = outcome === 'rejected' ? { rejections: [actor], reason, ...source } : { reason, ...source };
    await transitionChange(tx, change, outcome, actor, now, data);
    return outcome;
  });
};

/** The one card: what the ITSM shows and what it records of who and when, nothing more. */
export const endedNotice = (changeId: string, ref: TicketRef, ended: TicketEnded, was: ChangeState) => {
  const label = SYSTEM_LABEL[ref.system] ?? ref.system;
  const when = ended.at ? ` at ${ended.at}` : '';
  // Who ended it is the ITSM's display name, typed by its owner: host text in the card.
  const by = ended.by ? hostText(ended.by) : null;
  const who = !by ? '' : ended.lastUpdate ? `; ${label} records its last update by ${by}${when}` : ` by ${by}${when}`;
  const outcome = was === 'pending-approval' ? ended.outcome : 'cancelled';
  const when_ = was === 'pending-approval' ? 'while it awaited approval' : 'before its rollout started';
  return {
    title: `${outcome} in ${label}`,
    text: `${ref.key} was ${ended.outcome} in ${label} (${ended.state})${who}. patchbot ${outcome === 'rejected' ? 'rejected' : 'cancelled'} ${changeId} ${when_}: it will not run.`,
  };
};

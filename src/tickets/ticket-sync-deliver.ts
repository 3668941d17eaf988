import type { OutboxEntry } from './ticket-outbox.ts';
import { ticketDraftOf } from './ticket-draft-of.ts';
import { clockOf, SYSTEM_LABEL, type TicketSyncDeps } from './ticket-sync-deps.ts';
import type { TicketRef } from './ticketing.ts';

export type Delivery = { state: 'sent'; ref: TicketRef } | { state: 'skipped'; reason: string };

/** The ticket linked to the change, or (after a lost answer to the open) the one the ITSM has for it. */
const ticketOf = async (deps: TicketSyncDeps, changeId: string): Promise<{ ref: TicketRef; lastState: string | null } | null> => {
  const { store, ticketing } = deps;
  const link = (await store.tickets.forChange(changeId)).find((l) => l.system === ticketing.kind);
  if (link) return { ref: { system: ticketing.kind, key: link.key, url: link.url }, lastState: link.state };
  const found = await ticketing.find(changeId);
  if (found && found.system !== 'none') await store.tickets.link({ changeId, system: found.system, key: found.key, url: found.url, state: null });
  return found && { ref: found, lastState: null };
};

/** The ticket was closed or cancelled in the ITSM while the change goes on: said once, as the link then holds that state. */
const closedOutsideNotice = (deps: TicketSyncDeps, changeId: string, ref: TicketRef, state: string | null) => {
  const label = SYSTEM_LABEL[deps.ticketing.kind] ?? deps.ticketing.kind;
  return {
    title: `${ref.key} was closed in ${label}, not by patchbot`,
    text:
      `${ref.key} is ${state ?? 'finished'} in ${label}, though ${changeId} is not over: someone closed or cancelled it there. patchbot does not stop a change ` +
      `for that: it goes on as decided here, and its notes still reach the ticket. If the ticket is the decision, stop it: \`pause ${changeId}\` or \`cancel ${changeId}\`.`,
  };
};

/** The ITSM holds more than one ticket for the change (a create repeated after a lost answer). */
const duplicatesNotice = (deps: TicketSyncDeps, kept: TicketRef, others: string[]) => {
  const label = SYSTEM_LABEL[deps.ticketing.kind] ?? deps.ticketing.kind;
  return {
    title: `${label} holds ${others.length + 1} tickets for this change`,
    text:
      `patchbot keeps the oldest, ${kept.key}, and writes only to it. ${others.join(', ')} ${others.length === 1 ? 'was' : 'were'} created by a retry ` +
      `after ${label}'s answer to the first create was lost; close ${others.length === 1 ? 'it' : 'them'} in ${label} as a duplicate.`,
  };
};

/**
 * Sends one outbox entry: `proposed` opens the ticket (the adapters find the one already opened
 * when an earlier attempt's answer was lost) and links it; any other event is recorded on it,
 * stamped with the entry's id so a retry never writes it twice. Throws what the ITSM threw.
 */
export const deliver = async (deps: TicketSyncDeps, entry: OutboxEntry): Promise<Delivery> => {
  const { store, ticketing, notices } = deps;
  if (entry.event.kind === 'proposed') {
    const change = await store.changes.get(entry.ticketOf);
    if (!change) return { state: 'skipped', reason: `change ${entry.ticketOf} is gone` };
    // attempts counts this one: more than one means an earlier create may have landed unanswered.
    const opened = await ticketing.open(await ticketDraftOf(deps, change, clockOf(deps)), { retry: entry.attempts > 1 });
    const ref: TicketRef = { system: opened.system, key: opened.key, url: opened.url };
    // `none`: the change record is the ticket; a link to itself would only clutter the card.
    if (ref.system !== 'none') {
      await store.tickets.link({ changeId: change.id, system: ref.system, key: ref.key, url: ref.url, state: null });
      await notices.refresh(change.id);
    }
    if (opened.duplicates?.length) await notices.post(change.id, duplicatesNotice(deps, ref, opened.duplicates));
    return { state: 'sent', ref };
  }
  const ticket = await ticketOf(deps, entry.ticketOf);
  if (!ticket) return { state: 'skipped', reason: 'no ticket: opening it failed earlier (see the change thread), so there is nothing to record this on' };
  const { ref, lastState } = ticket;
  const event = { ...entry.event, id: entry.eventId };
  const result = await ticketing.record(ref, event, { lastState });
  if (ref.system !== 'none') await store.tickets.link({ changeId: entry.ticketOf, system: ref.system, key: ref.key, url: ref.url, state: result.state });
  if (result.closedOutside) await notices.post(entry.ticketOf, closedOutsideNotice(deps, entry.ticketOf, ref, result.state));
  return { state: 'sent', ref };
};

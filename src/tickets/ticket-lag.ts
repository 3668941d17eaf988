import type { OutboxLag as Lag } from './ticket-outbox.ts';
import type { TicketingError } from './ticketing-error.ts';

/** "14:02 UTC": the thread shows a clock time; the day is the card's own. */
export const clockText = (at: Date): string => `${at.toISOString().slice(11, 16)} UTC`;

/** "unreachable", "answering 503", "rate-limiting patchbot (429)". */
export const outageText = (error: TicketingError | null): string => {
  if (!error || error.status === null) return 'unreachable';
  if (error.status === 429) return 'rate-limiting patchbot (429)';
  return `failing (HTTP ${error.status})`;
};

const updates = (n: number) => `${n} update${n === 1 ? '' : 's'}`;

export const lagNotice = (label: string, lag: Lag, error: TicketingError | null, waiting: number, message: string) => ({
  title: `${label} ${outageText(error)} since ${clockText(lag.since)}; ${updates(waiting)} waiting`,
  text: `The ticket's updates are held, in order, and go out when ${label} answers; none is lost.\nLast error: ${message}`,
});

export const caughtUpNotice = (label: string, lag: Lag, now: Date, waiting: number) => ({
  title: `${label} answers again; the ticket is catching up`,
  text: `${label} did not take updates from ${clockText(lag.since)} to ${clockText(now)}. ${waiting ? `${updates(waiting)} still to send, in order.` : 'Every held update is sent.'}`,
});

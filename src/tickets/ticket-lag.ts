import type { TicketingError } from './ticketing-error.ts';

/**
 * How long a ticket's next update has been held by an ITSM that does not answer, and whether the
 * change's thread was told. Kept in the outbox entry's last_error, which the entry's one worker at
 * a time (the claim's fence) rewrites on every failed attempt, so exactly one attempt tells the
 * thread, across replicas, without a column of its own: "retryable since 2026-12-04T14:02:00.000Z
 * (thread told): <the ITSM's error>".
 */
export interface Lag {
  since: Date;
  told: boolean;
}

const PATTERN = /^retryable since (\S+?)( \(thread told\))?: /;

export const lagOf = (lastError: string | null): Lag | null => {
  const match = lastError ? PATTERN.exec(lastError) : null;
  if (!match) return null;
  const since = new Date(match[1]!);
  return Number.isNaN(since.getTime()) ? null : { since, told: Boolean(match[2]) };
};

export const lagError = (lag: Lag, message: string): string => `retryable since ${lag.since.toISOString()}${lag.told ? ' (thread told)' : ''}: ${message}`;

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

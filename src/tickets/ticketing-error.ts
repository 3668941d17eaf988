import { PatchbotError } from '../shared/errors.ts';
import type { TicketSystem } from './ticketing.ts';

/**
 * - `retryable`: the network, a 5xx or a 429; try again later (after `retryAfterMs` when the ITSM
 *   said how long). An ITSM outage delays tickets, it loses nothing.
 * - `rejected`: the ITSM refused the request (4xx). Retrying sends the same refusal, so the message,
 *   built from the vendor's own error, goes to the change's thread instead.
 * - `auth`: the ITSM did not accept patchbot's credentials.
 */
export type TicketingErrorKind = 'retryable' | 'rejected' | 'auth';

const HINTS: Record<TicketingErrorKind, string> = {
  retryable: 'The ticket update is kept and retried with backoff; nothing to do unless it keeps failing.',
  rejected: 'Fix what the ITSM complains about (field values, workflow, permissions); patchbot does not retry a refused update.',
  auth: 'Check the ITSM credentials in the itsm section of the config (see docs/itsm.md).',
};

export class TicketingError extends PatchbotError {
  readonly kind: TicketingErrorKind;
  readonly system: TicketSystem;
  /** The HTTP status, or null when no response arrived. */
  readonly status: number | null;
  /** How long the ITSM asked us to wait (Retry-After or its rate-limit reset); null when it did not say. */
  readonly retryAfterMs: number | null;

  constructor(kind: TicketingErrorKind, system: TicketSystem, message: string, options: { status?: number | null; retryAfterMs?: number | null } = {}) {
    super(`ticket-${kind}`, message, HINTS[kind]);
    this.kind = kind;
    this.system = system;
    this.status = options.status ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

export const isTicketingError = (error: unknown): error is TicketingError => error instanceof TicketingError;

/** Which kind an HTTP status is: 429 and 5xx are worth retrying, 401 is credentials, other 4xx are refusals. */
export const kindOfStatus = (status: number): TicketingErrorKind => {
  if (status === 401) return 'auth';
  if (status === 408 || status === 429 || status >= 500) return 'retryable';
  return 'rejected';
};

import { isAxiosError } from 'axios';
import { retryAfterMs } from '../../src/tickets/retry-after.ts';
import { kindOfStatus, TicketingError } from '../../src/tickets/ticketing-error.ts';
import { JiraErrorCollection, ServiceDeskError } from './schema.ts';

export interface WireResponse {
  status: number;
  data: unknown;
  headers: Record<string, unknown>;
}

/** "Field 'priority' is required; customfield_10042: Option value 'Huge' is not valid". */
export const vendorMessage = (data: unknown): string | null => {
  const collection = JiraErrorCollection.safeParse(data);
  if (collection.success) {
    const { errorMessages = [], errors = {} } = collection.data;
    const parts = [...errorMessages, ...Object.entries(errors).map(([field, message]) => `${field}: ${message}`)];
    if (parts.length) return parts.join('; ');
  }
  const desk = ServiceDeskError.safeParse(data);
  return desk.success ? desk.data.errorMessage : null;
};

export const responseError = (response: WireResponse, what: string, now: Date): TicketingError => {
  const kind = kindOfStatus(response.status);
  const said = vendorMessage(response.data) ?? 'no Jira error body in the answer';
  // Some 503s carry Retry-After too (reference §4.4), so any retryable answer is asked how long to wait.
  const wait = kind === 'retryable' ? retryAfterMs(response.headers, now) : null;
  const reason = typeof response.headers['ratelimit-reason'] === 'string' ? ` [${response.headers['ratelimit-reason']}]` : '';
  return new TicketingError(kind, 'jira', `${what}: Jira answered ${response.status}: ${said}${reason}`, { status: response.status, retryAfterMs: wait });
};

export const networkError = (error: unknown, what: string, baseUrl: string): TicketingError => {
  const code = isAxiosError(error) ? (error.code ?? 'ERR_NETWORK') : 'ERR_UNKNOWN';
  const reason = error instanceof Error ? error.message : String(error);
  return new TicketingError('retryable', 'jira', `${what}: no answer from ${baseUrl} (${code}: ${reason})`);
};

export const unexpectedBody = (what: string, status: number): TicketingError =>
  new TicketingError(
    'rejected',
    'jira',
    `${what}: Jira answered ${status} with a body patchbot does not understand; check that itsm.jira.baseUrl is the site itself and itsm.jira.deployment matches it`,
    { status },
  );

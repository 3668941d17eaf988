import { isAxiosError } from 'axios';
import { retryAfterMs } from '../../src/tickets/retry-after.ts';
import { kindOfStatus, TicketingError } from '../../src/tickets/ticketing-error.ts';
import { ServiceNowError } from './schema.ts';

export interface WireResponse {
  status: number;
  data: unknown;
  headers: Record<string, unknown>;
}

/** "Operation Failed (Data Policy Exception: Short description is mandatory)", from the error envelope. */
const vendorMessage = (data: unknown): string | null => {
  const parsed = ServiceNowError.safeParse(data);
  if (!parsed.success) return null;
  const { message, detail } = parsed.data.error;
  const parts = [message, detail].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  if (parts.length === 0) return null;
  return parts.length === 2 && parts[0] !== parts[1] ? `${parts[0]} (${parts[1]})` : parts[0]!;
};

/** A non-2xx answer → TicketingError; `what` says what patchbot was doing ("updating CHG0030001"). */
export const responseError = (response: WireResponse, what: string, now: Date): TicketingError => {
  const kind = kindOfStatus(response.status);
  const said = vendorMessage(response.data) ?? 'no ServiceNow error envelope in the answer';
  const wait = kind === 'retryable' ? retryAfterMs(response.headers, now) : null;
  const rule = typeof response.headers['x-ratelimit-rule'] === 'string' ? ` [rate-limit rule ${response.headers['x-ratelimit-rule']}]` : '';
  return new TicketingError(kind, 'servicenow', `${what}: ServiceNow answered ${response.status}: ${said}${rule}`, {
    status: response.status,
    retryAfterMs: wait,
  });
};

/** No answer at all (refused, reset, timed out): always worth another try. */
export const networkError = (error: unknown, what: string, instanceUrl: string): TicketingError => {
  const code = isAxiosError(error) ? (error.code ?? 'ERR_NETWORK') : 'ERR_UNKNOWN';
  const reason = error instanceof Error ? error.message : String(error);
  return new TicketingError('retryable', 'servicenow', `${what}: no answer from ${instanceUrl} (${code}: ${reason})`);
};

/** A 2xx body that is not what the Table API sends: a login page or a proxy, not the instance. */
export const unexpectedBody = (what: string, status: number): TicketingError =>
  new TicketingError(
    'rejected',
    'servicenow',
    `${what}: ServiceNow answered ${status} with a body patchbot does not understand; check that itsm.servicenow.instanceUrl is the instance itself (a hibernating developer instance answers with a login page)`,
    { status },
  );

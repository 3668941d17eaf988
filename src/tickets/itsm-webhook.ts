import type { ApprovalState } from './ticketing.ts';

/**
 * What an ITSM webhook tells patchbot once its signature checks out: which ticket changed. It is a
 * nudge, not a verdict: the receiver reads the approval back through `Ticketing.approvalOf`, so a
 * replayed or reordered delivery can never decide a change on stale data.
 */
export interface ItsmNudge {
  system: 'servicenow' | 'jira';
  /** CHG0030001 / OPS-12: the key patchbot stored when it opened the ticket. */
  key: string;
  /** The vendor's internal id (ServiceNow sys_id, Jira issue id). */
  id: string;
  /** The approval the payload claims, when it carries one (ServiceNow does; Jira does not). */
  approval: ApprovalState | null;
  /** The ticket's state or status name as the payload gives it, for logs. */
  status: string | null;
  /** Same value for redeliveries of one event: the receiver ignores one it has already seen. */
  deliveryId: string;
}

export type WebhookRefusal =
  /** No secret is configured, so nothing can be verified: the webhook is off (polling still reconciles). */
  | 'not-configured'
  | 'missing-signature'
  | 'bad-signature'
  /** Signed correctly but not a payload we understand. */
  | 'malformed';

export type WebhookVerdict = { ok: true; nudge: ItsmNudge } | { ok: false; refusal: WebhookRefusal; message: string };

/** Request headers as Node gives them: lower-case names. */
export type InboundHeaders = Record<string, string | string[] | undefined>;

/** Bound to its secret by the composition root; the server route calls it with the exact bytes received. */
export type WebhookVerifier = (headers: InboundHeaders, rawBody: Buffer) => WebhookVerdict;

export const headerValue = (headers: InboundHeaders, name: string): string | undefined => {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

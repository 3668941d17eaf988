import { hmacSha256Matches } from './hmac.ts';
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

/** What a signed webhook must carry, and what to say when it does not. */
export interface SignedJsonRules {
  secret: string | undefined;
  /** The header holding `sha256=<HMAC of the raw body>`. */
  header: string;
  messages: { notConfigured: string; missingSignature: string; badSignature: string; unreadable: string };
}

/**
 * The steps every ITSM webhook shares: a configured secret, a signature over the exact bytes
 * received (constant-time), then a JSON body of the expected shape. Only then is it read.
 */
export const verifySignedJson = <T>(
  headers: InboundHeaders,
  rawBody: Buffer,
  rules: SignedJsonRules,
  schema: { safeParse(data: unknown): { success: true; data: T } | { success: false } },
): { ok: true; body: T } | { ok: false; refusal: WebhookRefusal; message: string } => {
  const { secret, header, messages } = rules;
  if (!secret) return { ok: false, refusal: 'not-configured', message: messages.notConfigured };
  const signature = headerValue(headers, header);
  if (!signature) return { ok: false, refusal: 'missing-signature', message: messages.missingSignature };
  if (!hmacSha256Matches(secret, rawBody, signature)) return { ok: false, refusal: 'bad-signature', message: messages.badSignature };
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, refusal: 'malformed', message: 'the body is not JSON' };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { ok: true, body: parsed.data } : { ok: false, refusal: 'malformed', message: messages.unreadable };
};

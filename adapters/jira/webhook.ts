import { createHash } from 'node:crypto';
import { hmacSha256Matches } from '../../src/tickets/hmac.ts';
import { headerValue, type InboundHeaders, type WebhookVerdict } from '../../src/tickets/itsm-webhook.ts';
import { WebhookPayload } from './schema.ts';

/**
 * Verifies a Jira webhook: with a secret set on the webhook, Jira signs the raw body as
 * `X-Hub-Signature: sha256=<hex HMAC-SHA256>` (reference/integrations.md §4.3). Redeliveries keep
 * their `X-Atlassian-Webhook-Identifier`, which becomes the delivery id.
 */
export const verifyJiraWebhook = (headers: InboundHeaders, rawBody: Buffer, secret: string | undefined): WebhookVerdict => {
  if (!secret) return { ok: false, refusal: 'not-configured', message: 'itsm.jira.webhookSecret is not set, so Jira webhooks cannot be verified; polling reconciles approvals instead' };
  const signature = headerValue(headers, 'x-hub-signature');
  if (!signature) return { ok: false, refusal: 'missing-signature', message: 'no X-Hub-Signature header; set the same secret on the Jira webhook (docs/itsm.md)' };
  if (!hmacSha256Matches(secret, rawBody, signature)) {
    return { ok: false, refusal: 'bad-signature', message: 'X-Hub-Signature does not match the body: a forged request, a tampered body, or a different secret on the Jira webhook' };
  }
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, refusal: 'malformed', message: 'the body is not JSON' };
  }
  const parsed = WebhookPayload.safeParse(json);
  if (!parsed.success) return { ok: false, refusal: 'malformed', message: 'the body has no issue; register the webhook for issue events (docs/itsm.md)' };
  const { issue } = parsed.data;
  const deliveryId = headerValue(headers, 'x-atlassian-webhook-identifier') ?? createHash('sha256').update(rawBody).digest('hex');
  return {
    ok: true,
    nudge: { system: 'jira', key: issue.key, id: issue.id, approval: null, status: issue.fields?.status?.name ?? null, deliveryId },
  };
};

import { createHash } from 'node:crypto';
import { type InboundHeaders, verifySignedJson, type WebhookVerdict } from '../../src/tickets/itsm-webhook.ts';
import { WebhookPayload } from './schema.ts';

/**
 * Verifies a Jira webhook: with a secret set on the webhook, Jira signs the raw body as
 * `X-Hub-Signature: sha256=<hex HMAC-SHA256>` (reference/integrations.md §4.3).
 *
 * The delivery id is the SHA-256 of the signed body, not `X-Atlassian-Webhook-Identifier`: that
 * header is outside the signature, so whoever captured one delivery could replay it under a fresh
 * identifier (seen as new) or pre-empt a genuine one by reusing its identifier. A redelivery
 * repeats the body byte for byte (its `timestamp` included), so it still gets the same id, and two
 * real events differ at least in their timestamp.
 */
export const verifyJiraWebhook = (headers: InboundHeaders, rawBody: Buffer, secret: string | undefined): WebhookVerdict => {
  const verified = verifySignedJson(
    headers,
    rawBody,
    {
      secret,
      header: 'x-hub-signature',
      messages: {
        notConfigured: 'itsm.jira.webhookSecret is not set, so Jira webhooks cannot be verified; polling reconciles approvals instead',
        missingSignature: 'no X-Hub-Signature header; set the same secret on the Jira webhook (docs/itsm.md)',
        badSignature: 'X-Hub-Signature does not match the body: a forged request, a tampered body, or a different secret on the Jira webhook',
        unreadable: 'the body has no issue; register the webhook for issue events (docs/itsm.md)',
      },
    },
    WebhookPayload,
  );
  if (!verified.ok) return verified;
  const { issue } = verified.body;
  const deliveryId = createHash('sha256').update(rawBody).digest('hex');
  return {
    ok: true,
    nudge: { system: 'jira', key: issue.key, id: issue.id, approval: null, status: issue.fields?.status?.name ?? null, deliveryId },
  };
};

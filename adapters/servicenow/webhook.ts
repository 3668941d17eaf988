import { hmacSha256Matches } from '../../src/tickets/hmac.ts';
import { headerValue, type InboundHeaders, type WebhookVerdict } from '../../src/tickets/itsm-webhook.ts';
import { WebhookPayload } from './schema.ts';
import { approvalState } from './servicenow-ticketing.ts';

/**
 * The header the business rule of docs/itsm.md sets: `sha256=` and the HMAC-SHA256 of the exact
 * body bytes under itsm.servicenow.webhookSecret, hex or base64 (GlideCertificateEncryption's
 * generateMac answers base64).
 */
export const SERVICENOW_SIGNATURE_HEADER = 'x-patchbot-signature';

/** Verifies an approval webhook from ServiceNow and says which change to re-check. */
export const verifyServiceNowWebhook = (headers: InboundHeaders, rawBody: Buffer, secret: string | undefined): WebhookVerdict => {
  if (!secret) return { ok: false, refusal: 'not-configured', message: 'itsm.servicenow.webhookSecret is not set, so ServiceNow webhooks cannot be verified; polling reconciles approvals instead' };
  const signature = headerValue(headers, SERVICENOW_SIGNATURE_HEADER);
  if (!signature) return { ok: false, refusal: 'missing-signature', message: `no ${SERVICENOW_SIGNATURE_HEADER} header; the business rule must sign the body (docs/itsm.md)` };
  if (!hmacSha256Matches(secret, rawBody, signature)) {
    return { ok: false, refusal: 'bad-signature', message: `${SERVICENOW_SIGNATURE_HEADER} does not match the body: a forged request, a tampered body, or a different secret in the business rule` };
  }
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, refusal: 'malformed', message: 'the body is not JSON' };
  }
  const parsed = WebhookPayload.safeParse(json);
  if (!parsed.success) return { ok: false, refusal: 'malformed', message: 'the body lacks number and sys_id; see the business rule in docs/itsm.md' };
  const { number, sys_id, state, approval } = parsed.data;
  return {
    ok: true,
    nudge: {
      system: 'servicenow',
      key: number,
      id: sys_id,
      approval: approval === undefined ? null : approvalState(approval),
      status: state ?? null,
      // ServiceNow has no delivery id; the same (sys_id, state, approval) is the same news.
      deliveryId: `${sys_id}:${state ?? ''}:${approval ?? ''}`,
    },
  };
};

import { type InboundHeaders, verifySignedJson, type WebhookVerdict } from '../../src/tickets/itsm-webhook.ts';
import { WebhookPayload } from './schema.ts';
import { approvalState } from './servicenow-ticketing.ts';

/**
 * The header the business rule of docs/itsm.md sets: `sha256=` and the HMAC-SHA256 of the exact
 * body bytes under itsm.servicenow.webhookSecret, hex or base64 (GlideCertificateEncryption's
 * generateMac answers base64).
 */
export const SERVICENOW_SIGNATURE_HEADER = 'x-patchbot-signature';

/**
 * ServiceNow sends no delivery id. A redelivery (the ECC queue retrying the outbound message)
 * repeats the body byte for byte; a genuine second event differs in `sys_mod_count`, which the
 * instance raises on every update of the record (sys_mod_count: "the number of times the record
 * has been modified"), even when state and approval come back to values they had before: a CAB
 * that approves again after a refused or re-requested approval is news, not a repeat. State and
 * approval stay in the key for an update made without system fields (`autoSysFields(false)`), and
 * alone make it for a business rule installed before it sent the counter.
 */
const deliveryIdOf = (sysId: string, state = '', approval = '', modCount?: string): string =>
  modCount === undefined ? `${sysId}:${state}:${approval}` : `${sysId}:${modCount}:${state}:${approval}`;

/** Verifies an approval webhook from ServiceNow and says which change to re-check. */
export const verifyServiceNowWebhook = (headers: InboundHeaders, rawBody: Buffer, secret: string | undefined): WebhookVerdict => {
  const verified = verifySignedJson(
    headers,
    rawBody,
    {
      secret,
      header: SERVICENOW_SIGNATURE_HEADER,
      messages: {
        notConfigured: 'itsm.servicenow.webhookSecret is not set, so ServiceNow webhooks cannot be verified; polling reconciles approvals instead',
        missingSignature: `no ${SERVICENOW_SIGNATURE_HEADER} header; the business rule must sign the body (docs/itsm.md)`,
        badSignature: `${SERVICENOW_SIGNATURE_HEADER} does not match the body: a forged request, a tampered body, or a different secret in the business rule`,
        unreadable: 'the body lacks number and sys_id; see the business rule in docs/itsm.md',
      },
    },
    WebhookPayload,
  );
  if (!verified.ok) return verified;
  const { number, sys_id, state, approval, sys_mod_count } = verified.body;
  return {
    ok: true,
    nudge: {
      system: 'servicenow',
      key: number,
      id: sys_id,
      approval: approval === undefined ? null : approvalState(approval),
      status: state ?? null,
      deliveryId: deliveryIdOf(sys_id, state, approval, sys_mod_count),
    },
  };
};

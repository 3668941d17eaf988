import { createHmac } from 'node:crypto';
import type { SnChange } from './servicenow-records.ts';

export interface BusinessRuleDelivery {
  body: string;
  signature: string;
}

/**
 * What the after-update business rule of docs/itsm.md posts for a change as it is now: number,
 * sys_id, state, approval and sys_mod_count (a string, as `current.getValue` answers), signed with
 * HMAC-SHA256 in base64 (GlideCertificateEncryption.generateMac) or hex. `tamper` changes the body
 * after signing.
 */
export const businessRuleDelivery = (change: SnChange, secret: string, how: { tamper?: boolean; encoding?: 'hex' | 'base64' }): BusinessRuleDelivery => {
  const body = JSON.stringify({ number: change.number, sys_id: change.sys_id, state: change.state, approval: change.approval, sys_mod_count: String(change.modCount) });
  const mac = createHmac('sha256', secret)
    .update(body)
    .digest(how.encoding ?? 'base64');
  const sent = how.tamper ? body.replace(change.approval, 'approved').replace('"state":"', '"state":"9') : body;
  return { body: sent, signature: `sha256=${mac}` };
};

import type { WebhookVerifier } from './itsm-webhook.ts';
import type { Ticketing } from './ticketing.ts';

/**
 * The ITSM as the composition root builds it from `itsm` (Platform.ticketing): the Ticketing
 * port, the verifier of its approval webhook bound to its secret, and how often to poll approvals.
 */
export interface ItsmModule {
  ticketing: Ticketing;
  /** Verifies a delivery to /itsm/<kind>; answers `not-configured` when no secret is set. */
  verifyWebhook: WebhookVerifier;
  /** Reconciliation polling of approvals (itsm.<kind>.pollInterval); null without an ITSM. */
  pollIntervalMs: number | null;
}

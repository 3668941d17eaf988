import type { ComplianceRules } from './compliance-store.ts';
import type { SeverityCounts } from './model.ts';
import { DAY_MS, type Policy } from './policy.ts';

/**
 * Evidence older than this proves nothing. Scheduled discovery defaults to every 6 h, but estates
 * scan weekly too and a long weekend must not flip every host to unknown; a week is also the
 * shortest default SLA (critical), so a host not seen for longer could have breached it unseen.
 */
export const DEFAULT_STALE_AFTER_MS = 7 * DAY_MS;

/** Warn while there is still time to schedule a window: the last quarter of the SLA, or 3 days, whichever starts earlier. */
export const AT_RISK_FRACTION = 0.25;
export const AT_RISK_MIN_MS = 3 * DAY_MS;
export const atRiskWindow = (slaMs: number): number => Math.max(slaMs * AT_RISK_FRACTION, AT_RISK_MIN_MS);

const SEVERITIES = ['critical', 'important', 'moderate', 'low', 'unknown'] as const;

/** A policy's rules as the data the store evaluates (compliance-store.ts). */
export const rulesOf = (policy: Policy, now: Date, staleAfterMs = DEFAULT_STALE_AFTER_MS): ComplianceRules => {
  const per = (f: (severity: (typeof SEVERITIES)[number]) => number) => Object.fromEntries(SEVERITIES.map((s) => [s, f(s)])) as SeverityCounts;
  return {
    now,
    slaMs: per((s) => policy.slaMs(s)),
    warnMs: per((s) => atRiskWindow(policy.slaMs(s))),
    securityOnly: policy.securityOnly,
    clockFromRelease: policy.clockFromRelease,
    staleAfterMs,
  };
};

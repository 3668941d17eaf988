import type { ComplianceConfig } from '../config/schema-execution.ts';
import type { Finding, Patch, Severity } from '../discovery/patch.ts';

export const DAY_MS = 86_400_000;
export const FRAMEWORKS = ['pci', 'hipaa'] as const;
export type FrameworkName = (typeof FRAMEWORKS)[number];
export type SlaConfig = ComplianceConfig['sla'];

/** PCI DSS 6.3.3 says "within one month of release"; 30 days is how we count a month. */
export const PCI_CRITICAL_MS = 30 * DAY_MS;

/** What is measured and how: the organisation's own SLA, or that SLA read through a framework. */
export interface Policy {
  framework: FrameworkName | null;
  label: string;
  note: string;
  /** Only security patches are measured (what `applies` says, as data the store evaluates). */
  securityOnly: boolean;
  /** The clock starts at the earlier of the patch's first sighting in the estate and on the host (what `clockStart` says, as data). */
  clockFromRelease: boolean;
  applies(patch: Patch): boolean;
  slaMs(severity: Severity): number;
  clockStart(finding: Finding, patch: Patch): Date;
}

/** The configured SLA of a severity; `unknown` is held to the moderate SLA (config/default.yaml). */
export const configuredSla = (sla: SlaConfig, severity: Severity): number => (severity === 'unknown' ? sla.moderate : sla[severity]);

const earlier = (a: Date, b: Date): Date => (a.getTime() <= b.getTime() ? a : b);

const internal = (sla: SlaConfig): Policy => ({
  framework: null,
  label: 'SLA',
  note: 'Every missing patch, security or not, against the configured SLA per severity; the clock starts when the host was first seen missing it.',
  securityOnly: false,
  clockFromRelease: false,
  applies: () => true,
  slaMs: (severity) => configuredSla(sla, severity),
  clockStart: (finding) => finding.firstSeen,
});

/**
 * PCI DSS v4 6.3.3: patches for critical vulnerabilities within one month of release; all other
 * security patches "within an appropriate time frame as determined by the entity" — the configured
 * SLA. Only `critical` is capped: vendor "important" ratings do not map one-to-one onto the
 * entity's own risk ranking (6.3.1), and the default important SLA is already 30 days.
 * The rule counts from release, not from our first sighting on one host, so the clock starts at the
 * earlier of the patch's first sighting anywhere in the estate and on this host: a host added
 * later does not get a fresh month for an old critical patch.
 */
const pci = (sla: SlaConfig): Policy => ({
  framework: 'pci',
  label: 'PCI DSS',
  note: 'PCI DSS 6.3.3: security patches only; critical within min(configured SLA, 30 days), others within the configured SLA; the clock starts when the patch was first seen anywhere in the estate (our nearest evidence of its release).',
  securityOnly: true,
  clockFromRelease: true,
  applies: (patch) => patch.security,
  slaMs: (severity) => (severity === 'critical' ? Math.min(sla.critical, PCI_CRITICAL_MS) : configuredSla(sla, severity)),
  clockStart: (finding, patch) => earlier(finding.firstSeen, patch.firstSeen),
});

/**
 * The HIPAA Security Rule (45 CFR 164.308(a)(1)(ii)(B), risk management) names no day count; it
 * asks for a reasonable, documented process. The configured SLA is that documented process.
 */
const hipaa = (sla: SlaConfig): Policy => ({
  framework: 'hipaa',
  label: 'HIPAA',
  note: 'HIPAA sets no fixed patch deadline; security patches only, measured against the configured SLA (your documented risk-management timeline).',
  securityOnly: true,
  clockFromRelease: false,
  applies: (patch) => patch.security,
  slaMs: (severity) => configuredSla(sla, severity),
  clockStart: (finding) => finding.firstSeen,
});

export const policyFor = (framework: FrameworkName | null, sla: SlaConfig): Policy => (framework === 'pci' ? pci(sla) : framework === 'hipaa' ? hipaa(sla) : internal(sla));

export const isFramework = (value: string): value is FrameworkName => (FRAMEWORKS as readonly string[]).includes(value);

import { oneLine, stripControls } from '../shared/control-chars.ts';
import type { HostScan } from './patch.ts';

/**
 * Bounds on what a patch may carry, whoever reports it. Managed hosts may lie (DESIGN §8), and the
 * catalog is shared: one host's 5 MB title or 300,000 CVEs would reach every ticket, chat answer
 * and later merge. The parsers apply these bounds where host text comes in, and the catalog merge
 * (catalog-merge.ts, the SQL upsert) applies them again, so nothing stored exceeds them.
 */

/** Longer than any OS name (`Microsoft Windows Server 2022 Datacenter: Azure Edition 10.0.20348`). */
export const MAX_OS_NAME = 200;
/** A warning quotes host text, cut short; a longer one is a long apt `W:` line. */
export const MAX_WARNING = 500;
/** A failed scan's error quotes at most a few excerpts. */
export const MAX_ERROR = 2000;
/** Windows Update titles run to ~150 characters, advisory titles less. */
export const MAX_TITLE = 500;
/** A cumulative update lists ~100 CVEs at most; 200 leaves room for any real one. */
export const MAX_CVES = 200;
/** `CVE-YYYY-` and up to 11 digits (MITRE's ids have 4 to 7 today): 20 characters. */
export const MAX_CVE_LENGTH = 20;
export const CVE_ID = /^CVE-\d{4}-\d{4,11}$/;
export const isCveId = (text: string): boolean => CVE_ID.test(text);

/** `text` cut to `max` characters, ending with `…` when it was cut; never cuts a surrogate pair. */
export const clipText = (text: string, max: number): string => {
  if (text.length <= max) return text;
  let cut = max - 1;
  if (/[\uD800-\uDBFF]/.test(text.charAt(cut - 1))) cut--;
  return `${text.slice(0, cut)}…`;
};

/** A title as stored and shown: one line, no control characters, at most MAX_TITLE characters. */
export const boundTitle = (title: string): string => clipText(oneLine(title).trim(), MAX_TITLE);

export interface BoundCves {
  cves: string[];
  /** Values that are not CVE ids (over-long ones included). */
  invalid: number;
  /** Valid, distinct ids past MAX_CVES that were dropped. */
  dropped: number;
}

/** The distinct CVE ids of `values`, in order, at most MAX_CVES of them. */
export const boundCves = (values: readonly string[]): BoundCves => {
  const kept = new Set<string>();
  let invalid = 0;
  let dropped = 0;
  for (const value of values) {
    if (!isCveId(value)) invalid++;
    else if (kept.has(value)) continue;
    else if (kept.size >= MAX_CVES) dropped++;
    else kept.add(value);
  }
  return { cves: [...kept], invalid, dropped };
};

/** A host's scan result with its host text bounded: one-line OS name and warnings, no control characters. */
export const boundHostScan = (scan: HostScan): HostScan => ({
  ...scan,
  ...(scan.osName ? { osName: clipText(oneLine(scan.osName).trim(), MAX_OS_NAME) } : {}),
  ...(scan.warnings ? { warnings: scan.warnings.map((w) => clipText(oneLine(w).trim(), MAX_WARNING)) } : {}),
  ...(scan.error ? { error: clipText(stripControls(scan.error), MAX_ERROR) } : {}),
});

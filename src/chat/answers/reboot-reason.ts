import { clip } from '../card.ts';

/** How the scan parsers begin the warning they store when they cannot tell whether a reboot is pending. */
const PREFIX = /^whether a reboot is pending is unknown:\s*/i;

/**
 * Why a scan could not tell whether its host needs a reboot ("needrestart is not installed"),
 * from the warnings stored with it; null when none of them is about the reboot. Clipped: the
 * warning came from the host.
 */
export const rebootUnknownReason = (warnings: readonly string[]): string | null => {
  const warning = warnings.find((w) => PREFIX.test(w)) ?? warnings.find((w) => /reboot|restart/i.test(w));
  return warning === undefined ? null : clip(warning.replace(PREFIX, ''), 160);
};

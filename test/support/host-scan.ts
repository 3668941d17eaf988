import type { HostScan } from '../../src/discovery/patch.ts';

/** A successful scan of `host` as the scan path stores it: a Debian host that missed `missingCount` patches, no reboot due. */
export const okScan = (scanId: string, host: string, at: Date, missingCount = 1): HostScan => ({
  scanId,
  host,
  outcome: 'ok',
  startedAt: at,
  finishedAt: at,
  rebootRequired: false,
  osName: 'Debian',
  installed: [],
  missingCount,
  warnings: [],
});

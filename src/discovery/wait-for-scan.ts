import { PatchbotError } from '../shared/errors.ts';
import type { Store } from '../store/store.ts';
import type { ScanProgress } from './patch.ts';

/** Polls a scan until every host reported, calling `onProgress` whenever the count moves. */
export const waitForScan = async (
  store: Store,
  scanId: string,
  { onProgress, pollMs = 250, timeoutMs = 6 * 3600_000 }: { onProgress?: (p: ScanProgress) => void; pollMs?: number; timeoutMs?: number } = {},
): Promise<ScanProgress> => {
  const started = Date.now();
  let lastDone = -1;
  for (;;) {
    const progress = await store.scans.progress(scanId);
    if (!progress) throw new PatchbotError('not-found', `No scan ${scanId}.`);
    if (progress.done !== lastDone) {
      lastDone = progress.done;
      onProgress?.(progress);
    }
    if (progress.finishedAt) return progress;
    if (Date.now() - started > timeoutMs) throw new PatchbotError('scan-timeout', `Scan ${scanId} did not finish: ${progress.done} of ${progress.targets.length} hosts reported.`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
};

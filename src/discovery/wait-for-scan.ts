import { PatchbotError } from '../shared/errors.ts';
import type { DiscoveryRepos } from './discovery-store.ts';
import type { ScanProgress } from './patch.ts';

/** The shortest pause between polls, reached when the scan is about to finish. */
const MIN_POLL_MS = 20;

/**
 * Polls a scan until every host reported, calling `onProgress` whenever the count moves. Every
 * `pollMs`, and more often near the end: at the rate hosts have been reporting, it looks again
 * after half the time the rest should take, so the caller hears of the finish within a few
 * tens of milliseconds instead of up to a whole interval late.
 */
export const waitForScan = async (
  store: Pick<DiscoveryRepos, 'scans'>,
  scanId: string,
  { onProgress, pollMs = 250, timeoutMs = 6 * 3600_000 }: { onProgress?: (p: ScanProgress) => void; pollMs?: number; timeoutMs?: number } = {},
): Promise<ScanProgress> => {
  const started = Date.now();
  let lastDone = -1;
  let first: { at: number; done: number } | null = null;
  for (;;) {
    const progress = await store.scans.progress(scanId);
    if (!progress) throw new PatchbotError('not-found', `No scan ${scanId}.`);
    if (progress.done !== lastDone) {
      lastDone = progress.done;
      onProgress?.(progress);
    }
    if (progress.finishedAt) return progress;
    const now = Date.now();
    if (now - started > timeoutMs) throw new PatchbotError('scan-timeout', `Scan ${scanId} did not finish: ${progress.done} of ${progress.hosts} hosts reported.`);
    first ??= { at: now, done: progress.done };
    let pause = pollMs;
    if (progress.done > first.done) {
      const perHostMs = (now - first.at) / (progress.done - first.done);
      const restMs = (progress.hosts - progress.done) * perHostMs;
      pause = Math.min(pollMs, Math.max(MIN_POLL_MS, restMs / 2));
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
};

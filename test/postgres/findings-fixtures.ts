import type { OpenedStore } from '../../adapters/postgres/open-store.ts';
import type { Patch } from '../../src/discovery/patch.ts';
import { type EngineName, openFresh } from '../support/engines.ts';

/** Shared by the findings storage tests: an important security patch first seen at New Year 2026. */
export const patch = (id: string): Patch => ({ id, title: id, severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: new Date('2026-01-01T00:00:00Z') });

/** Midnight UTC of a day in March 2026: scan s<day> runs on day <day>. */
export const t = (day: number) => new Date(Date.UTC(2026, 2, day));

/** A scan of `host` that worked, finished at `at`, with no reboot needed and no warnings. */
export const ok = (scanId: string, host: string, at: Date) => ({ scanId, host, outcome: 'ok' as const, startedAt: at, finishedAt: at, rebootRequired: false, installed: [], warnings: [] });

/** A fresh store holding these patches, with each [scan, day] started (targets web-01 and web-02). */
export const prepared = async (engine: EngineName, patchIds: string[], days: readonly number[]): Promise<OpenedStore> => {
  const opened = await openFresh(engine);
  await opened.store.patches.upsert(patchIds.map(patch));
  // Scan `s<day>` started on day <day>.
  for (const day of days) await opened.store.scans.start(`s${day}`, 'schedule', ['web-01', 'web-02'], t(day));
  return opened;
};

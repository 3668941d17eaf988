import type { Patch, Severity } from '../../discovery/patch.ts';

/** Most urgent first: the order of every list and count in an answer. */
export const SEVERITIES: readonly Severity[] = ['critical', 'important', 'moderate', 'low', 'unknown'];

export const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);

/** Severity of a patch id, `unknown` when the catalogue has no row for it. */
export const severityOf = (patches: ReadonlyMap<string, Pick<Patch, 'severity'>>, id: string): Severity => patches.get(id)?.severity ?? 'unknown';

/** { critical: 2, important: 0, … } for the ids given. */
export const countBySeverity = (patches: ReadonlyMap<string, Pick<Patch, 'severity'>>, ids: readonly string[]): Record<Severity, number> => {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const id of ids) counts[severityOf(patches, id)] += 1;
  return counts;
};

/** "2 critical, 1 low"; "none" when every count is zero. */
export const describeCounts = (counts: Record<Severity, number>): string =>
  SEVERITIES.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(', ') || 'none';

export const byUrgency =
  (patches: ReadonlyMap<string, Pick<Patch, 'severity'>>) =>
  (a: string, b: string): number =>
    severityRank(severityOf(patches, a)) - severityRank(severityOf(patches, b)) || a.localeCompare(b);

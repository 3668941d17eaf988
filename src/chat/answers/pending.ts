import type { Severity } from '../../discovery/patch.ts';
import { CARD_LIMITS, clip, listOf } from '../card.ts';
import type { IntentOf } from '../intent.ts';
import { type Answer, emptyScopeTitle, type EstateStore, freshnessLine, fullListHint, inScope, notCheckedText, plural, scopeOf, titleWithUnchecked } from './estate.ts';
import { SEVERITIES, severityRank } from './severity.ts';

const TOP_PATCHES = 10;

/**
 * `pending [group|host]`: what is missing across the scope, by severity, most urgent and widest
 * first. The store aggregates (one statement); the answer holds one row per patch, not per finding.
 */
export const answerPending = async (store: EstateStore, intent: IntentOf<'pending'>, now: Date): Promise<Answer> => {
  const scope = await scopeOf(store, intent.target);
  const [pending, { line, freshness }] = await Promise.all([store.findings.pendingIn(scope.hosts), freshnessLine(store, scope, now)]);
  const rows = [...pending.patches].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || b.hosts - a.hosts || a.id.localeCompare(b.id));
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, { patches: rows.filter((r) => r.severity === s).length, hosts: pending.hostsBySeverity[s] }])) as Record<
    Severity,
    { patches: number; hosts: number }
  >;
  const where = inScope(scope);
  const note = (shown: number) => notCheckedText(freshness, undefined, shown);
  const question = `pending${intent.target ? ` ${intent.target}` : ''}`;

  return {
    card: {
      title: clip(
        emptyScopeTitle(scope, freshness) ??
          titleWithUnchecked(
            rows.length
              ? `${plural(rows.length, 'patch', 'patches')} pending on ${plural(pending.affectedHosts, 'host')}${where}`
              : note(0)
                ? `Nothing known pending${where}`
                : `Nothing pending${where}`,
            '; ',
            note,
          ),
        CARD_LIMITS.titleChars,
      ),
      ...(rows.length ? {} : { text: freshness.hosts ? `No scanned host${where} is missing a patch (${plural(freshness.hosts, 'host')} in scope).` : `No hosts${where}.` }),
      ...(rows.length
        ? {
            fields: SEVERITIES.filter((s) => bySeverity[s].patches > 0).map((s) => ({
              label: s[0]!.toUpperCase() + s.slice(1),
              value: `${plural(bySeverity[s].patches, 'patch', 'patches')} on ${plural(bySeverity[s].hosts, 'host')}`,
            })),
          }
        : {}),
      ...(rows.length
        ? {
            lists: [
              listOf(
                rows.map((r) => `${r.id} (${r.severity}) — ${plural(r.hosts, 'host')}`),
                TOP_PATCHES,
                fullListHint(question),
                'Top patches',
              ),
            ],
          }
        : {}),
      context: line,
    },
    data: {
      scope: { kind: scope.kind, name: scope.name, hosts: freshness.hosts },
      affectedHosts: pending.affectedHosts,
      bySeverity,
      // Per patch, how many hosts (`missing <patch> in <scope>` names them).
      patches: rows,
      freshness,
    },
  };
};

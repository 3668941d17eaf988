import type { Severity } from '../../discovery/patch.ts';
import { CARD_LIMITS, clip } from '../card.ts';
import type { IntentOf } from '../intent.ts';
import { commandOf } from '../paged-intent.ts';
import { FIRST_PAGE, fromWindow, nextPage, pagedList, type Paging, windowOf } from '../paging.ts';
import { type Answer, emptyScopeTitle, type EstateStore, freshnessLine, inScope, notCheckedText, plural, scopeOf, titleWithUnchecked } from './estate.ts';
import { SEVERITIES } from './severity.ts';

/**
 * `pending [group|host]`: what is missing across the scope, by severity, most urgent and widest
 * first. The store aggregates (one statement) and orders, and returns the page asked for: the
 * answer holds one page of patches, not every patch and never a row per finding.
 */
export const answerPending = async (store: EstateStore, intent: IntentOf<'pending'>, now: Date, paging: Paging = FIRST_PAGE): Promise<Answer> => {
  const scope = await scopeOf(store, intent.target);
  const [pending, { line, freshness }] = await Promise.all([store.findings.pendingIn(scope.hosts, windowOf(paging)), freshnessLine(store, scope, now)]);
  const rows = pending.patches;
  const total = SEVERITIES.reduce((sum, s) => sum + pending.patchesBySeverity[s], 0);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, { patches: pending.patchesBySeverity[s], hosts: pending.hostsBySeverity[s] }])) as Record<
    Severity,
    { patches: number; hosts: number }
  >;
  const where = inScope(scope);
  const note = (shown: number) => notCheckedText(freshness, undefined, shown);
  const command = commandOf(intent);

  return {
    card: {
      title: clip(
        emptyScopeTitle(scope, freshness) ??
          titleWithUnchecked(
            total
              ? `${plural(total, 'patch', 'patches')} pending on ${plural(pending.affectedHosts, 'host')}${where}`
              : note(0)
                ? `Nothing known pending${where}`
                : `Nothing pending${where}`,
            '; ',
            note,
          ),
        CARD_LIMITS.titleChars,
      ),
      ...(total ? {} : { text: freshness.hosts ? `No scanned host${where} is missing a patch (${plural(freshness.hosts, 'host')} in scope).` : `No hosts${where}.` }),
      ...(total
        ? {
            fields: SEVERITIES.filter((s) => bySeverity[s].patches > 0).map((s) => ({
              label: s[0]!.toUpperCase() + s.slice(1),
              value: `${plural(bySeverity[s].patches, 'patch', 'patches')} on ${plural(bySeverity[s].hosts, 'host')}`,
            })),
          }
        : {}),
      ...(total
        ? {
            lists: [
              pagedList(
                fromWindow(rows, paging).map((r) => `${r.id} (${r.severity}) — ${plural(r.hosts, 'host')}`),
                total,
                paging,
                command,
                'Top patches',
              ),
            ],
          }
        : {}),
      context: line,
      ...nextPage(paging, command, [total]),
    },
    data: {
      scope: { kind: scope.kind, name: scope.name, hosts: freshness.hosts },
      affectedHosts: pending.affectedHosts,
      bySeverity,
      // Per patch, how many hosts (`missing <patch> in <scope>` names them): the page in chat, all for the CLI.
      patchCount: total,
      patches: rows,
      freshness,
    },
  };
};

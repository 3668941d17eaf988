import type { RebootFacts } from '../../discovery/discovery-store.ts';
import { CARD_LIMITS, type CardField, clip } from '../card.ts';
import type { IntentOf } from '../intent.ts';
import { commandOf } from '../paged-intent.ts';
import { FIRST_PAGE, fromWindow, nextPage, pagedList, type Paging, windowOf } from '../paging.ts';
import { type Answer, emptyScopeTitle, type EstateStore, freshnessLine, inScope, notCheckedText, plural, type Scope, scopeOf, titleWithUnchecked } from './estate.ts';
import { type Freshness, relativeTime } from './freshness.ts';
import { rebootUnknownReason } from './reboot-reason.ts';
import { hostText } from '../../shared/host-text.ts';

/** "No host needs a reboot in prod-web", or of one host "web-01 does not need a reboot". */
const headOf = (scope: Scope, required: number, told: number, unchecked: boolean): { head: string; joiner: string } => {
  const where = inScope(scope);
  const one = scope.kind === 'host';
  if (!required && !unchecked) return { head: one ? `${scope.name} does not need a reboot` : `No host needs a reboot${where}`, joiner: '; ' };
  if (required) return { head: one ? `${scope.name} needs a reboot` : `${plural(required, 'host')} need${required === 1 ? 's' : ''} a reboot${where}`, joiner: '; ' };
  if (told) return { head: one ? `${scope.name} does not need a reboot` : `No host known to need a reboot${where}`, joiner: '; ' };
  return { head: one ? `Not known whether ${scope.name} needs a reboot` : `Not known whether any host needs a reboot${where}`, joiner: ': ' };
};

/** Why the scans that could not tell did not: their stored warnings, commonest first. */
const whyUnknown = (unknown: RebootFacts['unknown']): string => {
  // The warnings came from the hosts: host text in the card (the data keeps them as they are).
  const reasons = unknown.reasons.map((r) => {
    const why = r.warning === null ? null : rebootUnknownReason([r.warning]);
    return { why: why === null ? null : hostText(why), hosts: r.hosts };
  });
  if (reasons.length === 1) return `${plural(unknown.count, 'host')}: ${reasons[0]!.why ?? 'the scan did not say why'}`;
  const listed = reasons.map((r) => `${r.why ?? 'the scan did not say why'} (${r.hosts.toLocaleString('en-US')})`);
  const rest = unknown.count - reasons.reduce((sum, r) => sum + r.hosts, 0);
  return `${plural(unknown.count, 'host')}: ${listed.join('; ')}${rest > 0 ? `; other reasons (${rest.toLocaleString('en-US')})` : ''}`;
};

/** The hosts nobody could ask, apart from those whose scan could not tell. */
const uncheckedFields = (unknown: RebootFacts['unknown'], freshness: Freshness): CardField[] => {
  const { unreachable, neverScanned } = freshness;
  const outcomes = new Set(unreachable.outcomes);
  const how = outcomes.size > 1 ? 'unreachable or failed' : outcomes.has('failed') ? 'failed' : 'unreachable';
  return [
    ...(unknown.count ? [{ label: 'Scan could not tell', value: clip(whyUnknown(unknown), CARD_LIMITS.fieldChars) }] : []),
    ...(unreachable.count ? [{ label: 'Not scanned', value: `${plural(unreachable.count, 'host')} (latest scan ${how})` }] : []),
    ...(neverScanned.count ? [{ label: 'Never scanned', value: plural(neverScanned.count, 'host') }] : []),
  ];
};

/**
 * `reboots [group|host]`: hosts whose latest scan says a reboot is required. A host whose scan
 * could not tell is counted apart, with the reason its scan gave, so "nobody" never hides "we do
 * not know"; hosts that could not be scanned at all are counted apart again.
 */
export const answerReboots = async (store: EstateStore, intent: IntentOf<'reboots'>, now: Date, paging: Paging = FIRST_PAGE): Promise<Answer> => {
  const scope = await scopeOf(store, intent.target);
  const { limit, offset } = windowOf(paging);
  const [reboots, { line, freshness }] = await Promise.all([store.scans.reboots(scope.hosts, limit, offset), freshnessLine(store, scope, now)]);
  const { required, unknown } = reboots;
  const command = commandOf(intent);
  const told = reboots.scanned - unknown.count - reboots.notScanned;
  // Could not be checked: scans that could not tell, scans that failed, hosts never scanned.
  const note = (shown: number) => notCheckedText(freshness, { count: unknown.count, first: unknown.first.map((u) => u.host) }, shown);
  const { head, joiner } = headOf(scope, required.count, told, note(0) !== '');
  const title = emptyScopeTitle(scope, freshness) ?? titleWithUnchecked(head, joiner, note);
  const fields = uncheckedFields(unknown, freshness);

  return {
    card: {
      title: clip(title, CARD_LIMITS.titleChars),
      ...(required.count
        ? {
            lists: [
              pagedList(
                fromWindow(required.first, paging).map((s) => `${s.host} (as of ${relativeTime(s.finishedAt, now)})`),
                required.count,
                paging,
                command,
              ),
            ],
          }
        : freshness.hosts
          ? { text: told ? `${plural(told, 'scanned host')} report${told === 1 ? 's' : ''} no pending reboot.` : 'No scan has said yet whether a reboot is pending.' }
          : {}),
      ...(fields.length ? { fields } : {}),
      context: line,
      ...nextPage(paging, command, [required.count]),
    },
    data: {
      scope: { kind: scope.kind, name: scope.name, hosts: freshness.hosts },
      counts: { rebootRequired: required.count, unknown: unknown.count, notScanned: reboots.notScanned, neverScanned: freshness.neverScanned.count },
      rebootRequired: required.first.map((s) => ({ host: s.host, asOf: s.finishedAt, scanId: s.scanId })),
      unknown: unknown.first.map((u) => ({ host: u.host, reason: u.warning === null ? null : rebootUnknownReason([u.warning]) })),
      freshness,
    },
  };
};

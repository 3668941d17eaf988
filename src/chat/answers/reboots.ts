import { CARD_LIMITS, clip, pageOf } from '../card.ts';
import type { IntentOf } from '../intent.ts';
import { type Answer, type AnswerOptions, type EstateStore, freshnessLine, fullListHint, inScope, notCheckedText, plural, scopeOf } from './estate.ts';
import { relativeTime } from './freshness.ts';

/**
 * `reboots [group|host]`: hosts whose latest scan says a reboot is required. A host whose scan
 * could not tell is counted apart, so "nobody" never hides "we do not know".
 */
export const answerReboots = async (store: EstateStore, intent: IntentOf<'reboots'>, now: Date, { limit }: AnswerOptions = { limit: CARD_LIMITS.listItems }): Promise<Answer> => {
  const scope = await scopeOf(store, intent.target);
  const [reboots, { line, freshness }] = await Promise.all([store.scans.reboots(scope.hosts, limit), freshnessLine(store, scope.hosts, now)]);
  const { required, unknown } = reboots;
  const where = inScope(scope);
  const question = `reboots${intent.target ? ` ${intent.target}` : ''}`;
  const told = reboots.scanned - unknown.count;
  // Unreachable and failed latest scans are among `unknown` (they say nothing about reboots);
  // never-scanned hosts have no scan at all: both are hosts nobody could check.
  const unchecked = notCheckedText({ ...freshness, unreachable: { ...freshness.unreachable, count: 0, first: [] } }, unknown);
  const needing = `${plural(required.count, 'host')} need${required.count === 1 ? 's' : ''} a reboot${where}`;
  const title = required.count
    ? `${needing}${unchecked ? `; ${unchecked}` : ''}`
    : !unchecked
      ? `No host needs a reboot${where}`
      : told
        ? `No host known to need a reboot${where}; ${unchecked}`
        : `Not known whether any host needs a reboot${where}: ${unchecked}`;

  return {
    card: {
      title: clip(title, CARD_LIMITS.titleChars),
      ...(required.count
        ? {
            lists: [
              pageOf(
                required.first.map((s) => `${s.host} (as of ${relativeTime(s.finishedAt, now)})`),
                required.count,
                CARD_LIMITS.listItems,
                fullListHint(question),
              ),
            ],
          }
        : { text: told ? `${plural(told, 'scanned host')} report${told === 1 ? 's' : ''} no pending reboot.` : 'No scan has said yet whether a reboot is pending.' }),
      ...(unknown.count ? { fields: [{ label: 'Could not tell', value: clip(`${plural(unknown.count, 'host')} (latest scan did not say)`, CARD_LIMITS.fieldChars) }] } : {}),
      context: line,
    },
    data: {
      scope: { kind: scope.kind, name: scope.name, hosts: freshness.hosts },
      counts: { rebootRequired: required.count, unknown: unknown.count },
      rebootRequired: required.first.map((s) => ({ host: s.host, asOf: s.finishedAt, scanId: s.scanId })),
      unknown: unknown.first,
      freshness,
    },
  };
};

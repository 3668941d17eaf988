import { CARD_LIMITS, clip, listOf } from '../card.ts';
import type { IntentOf } from '../intent.ts';
import { type Answer, type EstateStore, freshnessLine, fullListHint, inScope, loadEstate, plural, scopeOf } from './estate.ts';
import { relativeTime } from './freshness.ts';

/**
 * `reboots [group|host]`: hosts whose latest scan says a reboot is required. A host whose scan
 * could not tell is counted apart, so "nobody" never hides "we do not know".
 */
export const answerReboots = async (store: EstateStore, intent: IntentOf<'reboots'>, now: Date): Promise<Answer> => {
  const estate = await loadEstate(store);
  const scope = scopeOf(estate, intent.target);
  const inside = new Set(scope.hosts.map((h) => h.name));
  const latest = estate.latest.filter((s) => inside.has(s.host));
  const needing = latest.filter((s) => s.rebootRequired === true).sort((a, b) => a.host.localeCompare(b.host));
  const unknown = latest.filter((s) => s.rebootRequired === null || s.rebootRequired === undefined).map((s) => s.host);
  const { line, freshness } = await freshnessLine(store, estate, scope.hosts, now);
  const where = inScope(scope);
  const question = `reboots${intent.target ? ` ${intent.target}` : ''}`;
  const told = latest.length - unknown.length;

  return {
    card: {
      title: clip(needing.length ? `${plural(needing.length, 'host')} need${needing.length === 1 ? 's' : ''} a reboot${where}` : `No host needs a reboot${where}`, CARD_LIMITS.titleChars),
      ...(needing.length
        ? { lists: [listOf(needing.map((s) => `${s.host} (as of ${relativeTime(s.finishedAt, now)})`), CARD_LIMITS.listItems, fullListHint(question))] }
        : { text: told ? `${plural(told, 'scanned host')} report${told === 1 ? 's' : ''} no pending reboot.` : 'No scan has said yet whether a reboot is pending.' }),
      ...(unknown.length ? { fields: [{ label: 'Could not tell', value: clip(`${plural(unknown.length, 'host')} (latest scan did not say)`, CARD_LIMITS.fieldChars) }] } : {}),
      context: line,
    },
    data: {
      scope: { kind: scope.kind, name: scope.name, hosts: scope.hosts.length },
      rebootRequired: needing.map((s) => ({ host: s.host, asOf: s.finishedAt, scanId: s.scanId })),
      unknown,
      freshness,
    },
  };
};

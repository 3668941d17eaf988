import type { Change } from '../../changes/change.ts';
import type { Patch } from '../../discovery/patch.ts';
import { type Card, type CardAction, type CardList, type CardSection, CARD_LIMITS, clip } from '../card.ts';
import { byUrgency, countBySeverity, describeCounts, SEVERITIES, severityOf } from '../answers/severity.ts';
import { hostText } from '../../shared/host-text.ts';

/** Up to this many patches the approval card names them all; beyond, it summarises. */
export const WHAT_IN_FULL = 5;
/** How many of the most urgent patches a summary names. */
const TOP = 3;

/** How to see every patch of a change, typed: the button's words for surfaces without buttons (the CLI). */
export const fullListCommand = (change: Change): string => `show ${change.id} patches`;

/**
 * The approval card's WHAT: the ids when few; otherwise counts by severity and the most urgent few,
 * so a 143-patch change is one line a phone can show, not a tall column of ids.
 */
export const whatValue = (change: Change, catalog: ReadonlyMap<string, Patch>): string => {
  const ids = change.patches;
  if (ids.length <= WHAT_IN_FULL) return ids.join(', ');
  const top = [...ids].sort(byUrgency(catalog)).slice(0, TOP);
  return `${ids.length} patches: ${describeCounts(countBySeverity(catalog, ids))}. Most urgent: ${top.map((id) => `${id} (${severityOf(catalog, id)})`).join(', ')}, +${(ids.length - top.length).toLocaleString('en-US')} more — \`${fullListCommand(change)}\``;
};

/** The button that opens the full list, on cards that summarise. */
export const patchListAction = (change: Change): CardAction[] =>
  change.patches.length > WHAT_IN_FULL ? [{ id: 'change.patches', label: `All ${change.patches.length.toLocaleString('en-US')} patches`, style: 'default', value: change.id }] : [];

/** A list of at most `maxChars` (one Slack section, with room for escaping); longer runs are split. */
const chunks = (items: readonly string[], maxChars = CARD_LIMITS.sectionChars - 400): string[][] => {
  const out: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const item of items) {
    if (current.length && chars + item.length + 1 > maxChars) {
      out.push(current);
      current = [];
      chars = 0;
    }
    current.push(item);
    chars += item.length + 1;
  }
  if (current.length) out.push(current);
  return out;
};

/**
 * Every patch of a change, by severity, most urgent first: what the approval card's "All N
 * patches" button and `show CHG-n patches` answer. Lists are split to fit a Slack section; what
 * still exceeds a surface's message limit ends in "+N more" pointing at the CLI's --json.
 */
export const patchListCard = (change: Change, catalog: ReadonlyMap<string, Patch>): Card => {
  const ids = [...change.patches].sort(byUrgency(catalog));
  const counts = countBySeverity(catalog, ids);
  const sections: CardSection[] = SEVERITIES.filter((s) => counts[s] > 0).map((severity) => ({
    heading: `${severity[0]!.toUpperCase()}${severity.slice(1)} (${counts[severity]})`,
    lists: chunks(
      ids
        .filter((id) => severityOf(catalog, id) === severity)
        .map((id) => {
          const patch = catalog.get(id);
          return clip(patch ? `${id} — ${hostText(patch.title)}${patch.rebootHint ? ' (reboot)' : ''}` : `${id} (not seen in any scan)`, 120);
        }),
    ).map((items): CardList => ({ items })),
  }));
  return {
    title: clip(`${change.id}: ${ids.length.toLocaleString('en-US')} patch${ids.length === 1 ? '' : 'es'}`, CARD_LIMITS.titleChars),
    text: clip(`${describeCounts(counts)} — ${hostText(change.title)}`, CARD_LIMITS.sectionChars),
    sections,
    context: clip(`every patch of ${change.id}, most urgent first · \`patchbot change show ${change.id} patches --json\` for the data`, CARD_LIMITS.sectionChars),
    threadKey: `change:${change.id}`,
  };
};

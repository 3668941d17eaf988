import { type Card, CARD_LIMITS } from './card.ts';

/**
 * Estimates of the rendered size, for the limits a single field cannot express: Slack's 50 blocks
 * per message and Teams' ~28 KB per card. Renderers still check their own output; this lets a
 * feature (a digest of 500 patches) shrink its card before it ever reaches a surface.
 */

/** Blocks a Block Kit rendering needs: header, text, fields, one per list, context, actions. */
export const estimateBlocks = (card: Card): number => {
  const lists = (card.lists?.length ?? 0) + (card.sections ?? []).reduce((n, s) => n + (s.lists?.length ?? 0), 0);
  const sections = (card.sections ?? []).reduce((n, s) => n + (s.heading ? 1 : 0) + (s.text ? 1 : 0) + (s.fields?.length ? 1 : 0), 0);
  return 1 + (card.text ? 1 : 0) + (card.fields?.length ? 1 : 0) + lists + sections + (card.context ? 1 : 0) + (card.actions?.length ? 1 : 0);
};

/** UTF-8 bytes of the card's JSON: a lower bound for any rendering of it. */
export const cardBytes = (card: Card): number => Buffer.byteLength(JSON.stringify(card), 'utf8');

const listChars = (lines: readonly string[], more?: string) => lines.reduce((n, l) => n + l.length + 1, 0) + (more?.length ?? 0);

/** What would break a platform limit, in words; empty when the card fits everywhere. */
export const cardProblems = (card: Card): string[] => {
  const problems: string[] = [];
  const blocks = estimateBlocks(card);
  if (blocks > CARD_LIMITS.blocks) problems.push(`${blocks} blocks (Slack allows ${CARD_LIMITS.blocks})`);
  const bytes = cardBytes(card);
  if (bytes > CARD_LIMITS.cardBytes) problems.push(`${bytes} bytes (Teams cards stay under ${CARD_LIMITS.cardBytes})`);
  const lists = [...(card.lists ?? []), ...(card.sections ?? []).flatMap((s) => s.lists ?? [])];
  for (const list of lists) {
    const chars = listChars(list.items, list.more);
    if (chars > CARD_LIMITS.sectionChars) problems.push(`list "${list.heading ?? list.items[0] ?? ''}" is ${chars} chars (a section holds ${CARD_LIMITS.sectionChars})`);
  }
  if ((card.actions ?? []).filter((a) => a.style === 'primary').length > 1) problems.push('more than one primary action (Slack allows one per set)');
  return problems;
};

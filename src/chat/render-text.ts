import { stripControls } from '../shared/control-chars.ts';
import type { Card, CardField, CardList } from './card.ts';
import { CODE_MARK, unescapeHostText } from '../shared/host-text.ts';

/**
 * A card as plain text, for the CLI (and logs): title, text, fields, lists, then the context
 * line. Buttons are listed by label only; they are clicked in chat or the console. Card text is
 * written in the light markdown chat shows (`code`, *bold*, **bold**, _italic_); a terminal would
 * print the marks themselves, so they are taken off here and kept for chat. Control characters
 * are removed: a card quotes host text (OS names, titles), and a terminal would act on its escape
 * codes. The parsers strip them already; this is the second line of defence, where text meets a TTY.
 */

// The console's emphasis rule (adapters/console/page/dom.js): `_` only at word edges, so
// host_names_like_this keep their underscores.
const EMPHASIS = /\*\*([^*]+)\*\*|\*([^*\s](?:[^*]*[^*\s])?)\*|(?<![\w])_([^_\s](?:[^_]*[^_\s])?)_(?![\w])/g;

const withoutEmphasis = (text: string): string => text.replace(EMPHASIS, (_m, a?: string, b?: string, c?: string) => a ?? b ?? c ?? '');

/** Text without chat's markup; what is inside `code` is left exactly as written, and host text's backticks (host-text.ts) as they came. */
export const plainText = (text: string): string => {
  let plain = '';
  let last = 0;
  for (const mark of text.matchAll(CODE_MARK)) {
    plain += withoutEmphasis(text.slice(last, mark.index)) + mark[1]!;
    last = mark.index + mark[0].length;
  }
  return unescapeHostText(plain + withoutEmphasis(text.slice(last)));
};

const fieldLines = (fields: readonly CardField[] | undefined): string[] => {
  if (!fields?.length) return [];
  const labels = fields.map((f) => plainText(f.label));
  const width = Math.min(24, Math.max(...labels.map((label) => label.length)));
  return fields.map((f, i) => `  ${`${labels[i] ?? ''}:`.padEnd(width + 1)} ${plainText(f.value)}`);
};

const listLines = (lists: readonly CardList[] | undefined): string[] =>
  (lists ?? []).flatMap((list) => [
    ...(list.heading ? [`${plainText(list.heading)}:`] : []),
    ...list.items.map((item) => `  - ${plainText(item)}`),
    ...(list.more ? [`  ${plainText(list.more)}`] : []),
  ]);

const textLines = (text: string | undefined): string[] => (text ? plainText(text).split('\n') : []);

export const renderText = (card: Card): string => {
  const lines = [
    plainText(card.title),
    ...textLines(card.text),
    ...fieldLines(card.fields),
    ...listLines(card.lists),
    ...(card.sections ?? []).flatMap((section) => [
      ...(section.heading ? [plainText(section.heading)] : []),
      ...textLines(section.text),
      ...fieldLines(section.fields),
      ...listLines(section.lists),
    ]),
    ...(card.actions?.length ? [`Buttons (in chat or the console): ${card.actions.map((a) => plainText(a.label)).join(' · ')}`] : []),
    ...(card.context ? [`(${plainText(card.context)})`] : []),
  ];
  return `${stripControls(lines.join('\n'))}\n`;
};

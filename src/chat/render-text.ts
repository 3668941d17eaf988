import type { Card, CardField, CardList } from './card.ts';

/**
 * A card as plain text, for the CLI (and logs): title, text, fields, lists, then the context
 * line. Buttons are listed by label only; they are clicked in chat or the console.
 */

const fieldLines = (fields: readonly CardField[] | undefined): string[] => {
  if (!fields?.length) return [];
  const width = Math.min(24, Math.max(...fields.map((f) => f.label.length)));
  return fields.map((f) => `  ${`${f.label}:`.padEnd(width + 1)} ${f.value}`);
};

const listLines = (lists: readonly CardList[] | undefined): string[] =>
  (lists ?? []).flatMap((list) => [...(list.heading ? [`${list.heading}:`] : []), ...list.items.map((item) => `  - ${item}`), ...(list.more ? [`  ${list.more}`] : [])]);

const textLines = (text: string | undefined): string[] => (text ? text.split('\n') : []);

export const renderText = (card: Card): string => {
  const lines = [
    card.title,
    ...textLines(card.text),
    ...fieldLines(card.fields),
    ...listLines(card.lists),
    ...(card.sections ?? []).flatMap((section) => [
      ...(section.heading ? [`${section.heading}`] : []),
      ...textLines(section.text),
      ...fieldLines(section.fields),
      ...listLines(section.lists),
    ]),
    ...(card.actions?.length ? [`Buttons (in chat or the console): ${card.actions.map((a) => a.label).join(' · ')}`] : []),
    ...(card.context ? [`(${card.context})`] : []),
  ];
  return `${lines.join('\n')}\n`;
};

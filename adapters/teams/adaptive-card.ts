import { type Card, type CardAction, CARD_LIMITS, type CardField, type CardList, type CardSection, clip } from '../../src/chat/card.ts';
import { MessageTooLargeError } from '../../src/chat/chat-surface.ts';
import { cardMarkdown, withoutCodeMarks } from './card-markdown.ts';

/**
 * Card → Adaptive Card 1.5, the newest version Teams renders on desktop and mobile. Buttons are
 * `Action.Execute` (universal actions: the click arrives as an `adaptiveCard/action` invoke with the
 * action id as the verb), never `Action.Submit`. A button with a confirmation opens it in an
 * `Action.ShowCard` whose only button is the Execute: Adaptive Cards have no confirm dialog.
 */
export const CARD_VERSION = '1.5';
export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

type Element = Record<string, unknown>;
export type AdaptiveCard = { type: 'AdaptiveCard'; $schema: string; version: string; body: Element[]; actions?: Element[] };

/** A TextBlock of markdown we wrote ourselves; `text` is the one for card text (escaped, shown as written, code marks dropped). */
const markdownBlock = (markdown: string, extra: Element = {}): Element => ({ type: 'TextBlock', text: markdown, wrap: true, ...extra });
const text = (value: string, extra: Element = {}): Element => markdownBlock(cardMarkdown(value), extra);
const facts = (fields: readonly CardField[]): Element => ({
  type: 'FactSet',
  facts: fields.map((f) => ({ title: cardMarkdown(f.label), value: f.value ? cardMarkdown(f.value) : '—' })),
});
// Teams markdown: a "- " line per item is a bulleted list; an item's own line breaks would split it.
const list = (l: CardList): Element[] => [
  ...(l.heading ? [text(l.heading, { weight: 'Bolder' })] : []),
  ...(l.items.length ? [markdownBlock(l.items.map((item) => `- ${cardMarkdown(item.replace(/\s*\n\s*/g, ' '))}`).join('\n'))] : []),
  ...(l.more ? [text(l.more, { isSubtle: true })] : []),
];
const section = (s: CardSection): Element[] => [
  ...(s.heading ? [text(s.heading, { weight: 'Bolder', size: 'Medium', separator: true })] : []),
  ...(s.text ? [text(s.text)] : []),
  ...(s.fields?.length ? [facts(s.fields)] : []),
  ...(s.lists ?? []).flatMap(list),
];

/**
 * An action with choices: an Input.ChoiceSet (a dropdown, the first choice preselected) in the
 * body, whose pick Teams merges into the Execute's `data` under the input's id.
 */
export const choiceInputId = (actionId: string): string => `choice.${actionId}`;
const choiceSet = (a: CardAction): Element[] =>
  a.choices?.length
    ? [
        {
          type: 'Input.ChoiceSet',
          id: choiceInputId(a.id),
          label: a.label,
          style: 'compact',
          isRequired: true,
          errorMessage: 'Pick one',
          value: a.choices[0]!.value,
          choices: a.choices.map((c) => ({ title: c.label, value: c.value })),
        },
      ]
    : [];

const execute = (a: CardAction): Element => ({
  type: 'Action.Execute',
  title: a.label,
  verb: a.id,
  data: { value: a.value },
  ...(a.style === 'primary' ? { style: 'positive' } : a.style === 'danger' ? { style: 'destructive' } : {}),
});
const action = (a: CardAction): Element =>
  a.confirm
    ? {
        type: 'Action.ShowCard',
        title: a.label,
        card: { type: 'AdaptiveCard', body: [text(a.confirm.title, { weight: 'Bolder' }), text(a.confirm.text)], actions: [{ ...execute(a), title: a.confirm.confirm }] },
      }
    : execute(a);

const build = (card: Card): AdaptiveCard => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: CARD_VERSION,
  body: [
    text(card.title, { size: 'Large', weight: 'Bolder' }),
    ...(card.text ? [text(card.text)] : []),
    ...(card.fields?.length ? [facts(card.fields)] : []),
    ...(card.lists ?? []).flatMap(list),
    ...(card.sections ?? []).flatMap(section),
    ...(card.actions ?? []).flatMap(choiceSet),
    ...(card.context ? [text(card.context, { size: 'Small', isSubtle: true, separator: true })] : []),
  ],
  ...(card.actions?.length ? { actions: card.actions.map(action) } : {}),
});

export const cardBytes = (card: AdaptiveCard): number => Buffer.byteLength(JSON.stringify(card), 'utf8');

const MORE = /^\+([\d,]+) more(?: — (.*))?$/s;
/** Drops the last half of a list's items and folds them into its "+N more" line. */
const shorten = (l: CardList): CardList => {
  const keep = Math.floor(l.items.length / 2);
  const dropped = l.items.length - keep;
  const previous = l.more ? MORE.exec(l.more) : null;
  const hidden = dropped + (previous ? Number(previous[1]!.replace(/,/g, '')) : 0);
  const hint = previous ? previous[2] : undefined;
  return { ...l, items: l.items.slice(0, keep), more: `+${hidden.toLocaleString('en-US')} more${hint ? ` — ${hint}` : ''}` };
};

const allLists = (card: Card): CardList[] => [...(card.lists ?? []), ...(card.sections ?? []).flatMap((s) => s.lists ?? [])];

/** The same card with its longest list halved; null when no list has items left to drop. */
const withShorterList = (card: Card): Card | null => {
  const longest = allLists(card).reduce<CardList | null>((best, l) => (l.items.length > (best?.items.length ?? 0) ? l : best), null);
  if (!longest) return null;
  const swap = (ls?: CardList[]) => ls?.map((l) => (l === longest ? shorten(l) : l));
  return {
    ...card,
    ...(card.lists ? { lists: swap(card.lists) } : {}),
    ...(card.sections ? { sections: card.sections.map((s) => ({ ...s, ...(s.lists ? { lists: swap(s.lists) } : {}) })) } : {}),
  };
};

/**
 * The card within Teams' ~28 KB: long lists are cut (longest first) and end in "+N more"; then
 * long texts are clipped. Throws MessageTooLargeError only when the title and buttons alone do not fit.
 */
export const renderAdaptiveCard = (card: Card, maxBytes = CARD_LIMITS.cardBytes): AdaptiveCard => {
  let current = card;
  let rendered = build(current);
  while (cardBytes(rendered) > maxBytes) {
    const shorter = withShorterList(current);
    if (!shorter) break;
    current = shorter;
    rendered = build(current);
  }
  if (cardBytes(rendered) <= maxBytes) return rendered;
  const clipped: Card = {
    ...current,
    ...(current.text ? { text: clip(current.text, 500) } : {}),
    ...(current.sections ? { sections: current.sections.map((s) => ({ ...s, ...(s.text ? { text: clip(s.text, 300) } : {}) })) } : {}),
    ...(current.context ? { context: clip(current.context, 300) } : {}),
  };
  rendered = build(clipped);
  if (cardBytes(rendered) > maxBytes)
    throw new MessageTooLargeError('teams', `the card "${clip(card.title, 60)}" is ${cardBytes(rendered)} bytes even with its lists cut (Teams takes about ${maxBytes})`);
  return rendered;
};

/** The card as a message attachment (a post, a reply, an update). */
export const cardActivity = (card: Card): Element => ({
  type: 'message',
  // The text is what notifications and screen readers show for a card.
  summary: clip(withoutCodeMarks(card.title), 200),
  attachments: [{ contentType: CARD_CONTENT_TYPE, content: renderAdaptiveCard(card) }],
});

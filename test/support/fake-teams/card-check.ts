import { createRequire } from 'node:module';

/** The `adaptivecards` package's own parser (its ESM build does not load in Node; its bundle does). */
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void; validateProperties(): { validationEvents: { message: string }[] } };
  SerializationContext: new (version: unknown) => { eventCount: number; getEventAt(i: number): { message: string } };
  Versions: { v1_5: unknown };
};

type Json = Record<string, unknown>;
const actionsOf = (card: Json): Json[] => ((card.actions as Json[] | undefined) ?? []).flatMap((a) => [a, ...(a.card ? actionsOf(a.card as Json) : [])]);

/**
 * What is wrong with a card as Teams would see it: the adaptivecards parser's warnings (unknown
 * elements, bad property values), a version above 1.5, and any button that sends data without
 * being Action.Execute (Action.ShowCard only opens a nested card). Empty when the card is good.
 */
export const cardWarnings = (card: Json): string[] => {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  parsed.parse(card, context);
  const warnings = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message);
  warnings.push(...parsed.validateProperties().validationEvents.map((e) => e.message));
  if (typeof card.version !== 'string' || Number(card.version) > 1.5) warnings.push(`version ${String(card.version)} is above 1.5`);
  for (const action of actionsOf(card)) {
    if (action.type !== 'Action.Execute' && action.type !== 'Action.ShowCard') warnings.push(`${String(action.type)} button "${String(action.title)}"`);
    if (action.type === 'Action.Execute' && !action.verb) warnings.push(`Action.Execute "${String(action.title)}" without a verb`);
  }
  return warnings;
};

/** CommonMark's backslash escapes taken off, as a renderer shows the text (any ASCII punctuation). */
export const unescaped = (markdown: string): string => markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1');

/** A card as a person reads it: the title, every text and fact (escapes taken off), and the verbs of its buttons. */
export const shownCard = (card: Json | undefined) => {
  const body = (card?.body as Json[] | undefined) ?? [];
  const texts = body.flatMap((e) =>
    e.type === 'TextBlock'
      ? [unescaped(String(e.text))]
      : e.type === 'FactSet'
        ? (e.facts as { title: string; value: string }[]).map((f) => `${unescaped(f.title)}: ${unescaped(f.value)}`)
        : [],
  );
  return {
    title: texts[0] ?? '',
    text: texts.join('\n'),
    verbs: card
      ? actionsOf(card)
          .filter((a) => a.type === 'Action.Execute')
          .map((a) => String(a.verb))
      : [],
  };
};

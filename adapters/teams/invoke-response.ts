import type { Card } from '../../src/chat/card.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { CARD_CONTENT_TYPE, renderAdaptiveCard } from './adaptive-card.ts';
import { withoutCodeMarks } from './card-markdown.ts';

/** The body of an `adaptiveCard/action` invoke response (Universal Actions). */
export type InvokeBody =
  | { statusCode: 200; type: typeof CARD_CONTENT_TYPE; value: unknown }
  | { statusCode: 200; type: 'application/vnd.microsoft.activity.message'; value: string }
  | { statusCode: 400 | 500; type: 'application/vnd.microsoft.error'; value: { code: string; message: string } };

export const MESSAGE_TYPE = 'application/vnd.microsoft.activity.message';

/** A card as one line of plain text, code marks dropped as on cards: the invoke's message answer is a toast, not a card. */
export const cardText = (card: Card): string => withoutCodeMarks([card.title, card.text].filter(Boolean).join(' — '));

export const messageBody = (text: string): InvokeBody => ({ statusCode: 200, type: MESSAGE_TYPE, value: text });
export const errorBody = (statusCode: 400 | 500, code: string, message: string): InvokeBody => ({ statusCode, type: 'application/vnd.microsoft.error', value: { code, message } });

/**
 * What the clicker sees now: the card as it stands after their vote, or — for a refusal, which
 * changes nothing for anyone else — the private answer as a message to them alone.
 */
export const invokeBodyOf = (reply: Reply, privateCard: Card | undefined): InvokeBody => {
  if (reply.duplicate) return messageBody('Already done: this click was received before.');
  const card = reply.update?.card ?? reply.refresh?.card;
  if (card) return { statusCode: 200, type: CARD_CONTENT_TYPE, value: renderAdaptiveCard(card) };
  const answer = privateCard ?? reply.private;
  // A public answer (the next page of a list) is posted as a reply; the clicker is told where.
  return messageBody(answer ? cardText(answer) : reply.public ? `Posted below: ${withoutCodeMarks(reply.public.title)}` : 'Done.');
};

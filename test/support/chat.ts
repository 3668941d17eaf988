import { expect } from 'vitest';
import { Card } from '../../src/chat/card.ts';
import { cardProblems } from '../../src/chat/card-limits.ts';
import type { Interaction, InteractionKind } from '../../src/chat/interaction.ts';
import type { Reply } from '../../src/chat/reply.ts';

/** Every card a reply hands out: public, private, as an update or refresh, or broadcast. */
export const cardsOf = (reply: Reply): Card[] =>
  [reply.public, reply.private, reply.update?.card, reply.refresh?.card, ...(reply.broadcast ?? []).map((post) => post.card)].filter((c): c is Card => c !== undefined);

/** Asserts every card of the reply parses and renders within every surface's limits; returns the reply. */
export const checked = (reply: Reply): Reply => {
  for (const card of cardsOf(reply)) {
    expect(Card.safeParse(card).success, JSON.stringify(card)).toBe(true);
    expect(cardProblems(card)).toEqual([]);
  }
  return reply;
};

let interactions = 0;
/** An interaction from an unmapped console user (Uma) in #general at `receivedAt`: a question unless `kind` says otherwise. */
export const consoleInteraction = (text: string, receivedAt: Date, kind: InteractionKind = 'question', over: Partial<Interaction> = {}): Interaction => ({
  id: `i-${++interactions}`,
  surface: 'console',
  channel: 'general',
  actor: { person: null, surfaceUserId: 'u1', displayName: 'Uma' },
  kind,
  text,
  receivedAt,
  ...over,
});

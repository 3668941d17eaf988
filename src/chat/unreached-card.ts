import { type Card, CARD_LIMITS, clip } from './card.ts';
import { hostText } from '../shared/host-text.ts';

/** Said in a change's thread when a direct message (an emergency notification) reached no one on any surface. */
export const unreachedCard = (people: readonly string[], threadKey: string): Card => ({
  title: clip(`Not told directly: ${[...people].sort().map(hostText).join(', ')}`, CARD_LIMITS.titleChars),
  text: clip(
    `No chat surface reaches ${people.length === 1 ? 'this person' : 'these people'} by direct message (no account on a connected surface, or the bot cannot open a conversation with them). Tell them another way.`,
    CARD_LIMITS.sectionChars,
  ),
  threadKey,
});

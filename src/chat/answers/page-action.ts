import { PatchbotError } from '../../shared/errors.ts';
import { clip } from '../card.ts';
import { parseCommand } from '../grammar.ts';
import type { IntentKind, IntentOf } from '../intent.ts';
import { isPaged } from '../paged-intent.ts';
import { PAGE_ACTION } from '../paging.ts';
import type { ActionRegistry, HandlerContext, HandlerRegistry, Reply } from '../reply.ts';

const run = <K extends IntentKind>(handlers: HandlerRegistry, intent: IntentOf<K>, context: HandlerContext): Promise<Reply> | null => {
  const handler = handlers[intent.kind];
  return handler ? handler(intent, context) : null;
};

/**
 * The Next button of a paged answer. Its value is the next page's command, nothing else (no
 * data rides on a card), so a click is that question asked again by whoever clicked, with their
 * rights and the store as it is now. A value that is no page of a list answer (a hand-made click
 * carrying `approve CHG-7`) is refused and does nothing.
 */
export const pageActions = (handlers: HandlerRegistry): ActionRegistry => ({
  [PAGE_ACTION]: async (action, context) => {
    const parsed = parseCommand(action.value);
    const intent = parsed.ok && isPaged(parsed.intent) && parsed.intent.page !== undefined ? parsed.intent : null;
    const answer = intent ? run(handlers, intent, context) : null;
    if (!intent || !answer)
      throw new PatchbotError('not-a-page', `This button asks for \`${clip(action.value, 80)}\`, which is no page of an answer: nothing was done.`, 'Ask again, e.g. `pending page 2`.');
    return { intent, ...(await answer) };
  },
});

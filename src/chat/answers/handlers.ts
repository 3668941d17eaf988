import { CARD_LIMITS } from '../card.ts';
import type { HandlerContext, HandlerRegistry, Reply } from '../reply.ts';
import type { Answer, AnswerOptions } from './estate.ts';
import { mayAct } from '../acting-person.ts';
import { answerHelp } from './help.ts';
import { answerMissing } from './missing.ts';
import { answerPending } from './pending.ts';
import { answerReboots } from './reboots.ts';
import { answerStatus } from './status.ts';

/** Answers about the estate are for the channel: whoever asked, the team may want to see it. */
const inChannel = ({ card, data }: Answer): Reply => ({ public: card, data });

/** The CLI's answer is the "for all" every capped list points to; a chat card reads one page. */
const listsFor = ({ interaction }: HandlerContext): AnswerOptions => ({ limit: interaction.surface === 'cli' ? null : CARD_LIMITS.listItems });

/** The read-only answers: they read the store and change nothing, so anyone may ask. */
export const answerHandlers: HandlerRegistry = {
  // Help is for the asker alone; the channel has seen it before.
  help: async (intent, context) => {
    const { card, data } = answerHelp(intent, { mayAct: mayAct(context), cli: context.interaction.surface === 'cli' });
    return { private: card, data };
  },
  missing: async (intent, context) => inChannel(await answerMissing(context.store, intent, context.now, listsFor(context))),
  status: async (intent, { store, now }) => inChannel(await answerStatus(store, intent, now)),
  pending: async (intent, { store, now }) => inChannel(await answerPending(store, intent, now)),
  reboots: async (intent, context) => inChannel(await answerReboots(context.store, intent, context.now, listsFor(context))),
};

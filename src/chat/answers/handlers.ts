import type { HandlerContext, HandlerRegistry, Reply } from '../reply.ts';
import type { Answer } from './estate.ts';
import { mayAct } from '../acting-person.ts';
import type { Paging } from '../paging.ts';
import { answerHelp } from './help.ts';
import { answerMissing } from './missing.ts';
import { answerPending } from './pending.ts';
import { answerReboots } from './reboots.ts';
import { answerStatus } from './status.ts';

/** Answers about the estate are for the channel: whoever asked, the team may want to see it. */
const inChannel = ({ card, data }: Answer): Reply => ({ public: card, data });

/** The page asked for, and where: a chat card reads one page, the CLI (its `--json` is the whole list) reads all. */
export const pagingOf = (intent: { page?: number }, { interaction }: HandlerContext): Paging => ({ page: intent.page ?? 1, surface: interaction.surface });

/** The read-only answers: they read the store and change nothing, so anyone may ask. */
export const answerHandlers: HandlerRegistry = {
  // Help is for the asker alone; the channel has seen it before.
  help: async (intent, context) => {
    const { card, data } = answerHelp(intent, { mayAct: mayAct(context), cli: context.interaction.surface === 'cli' });
    return { private: card, data };
  },
  missing: async (intent, context) => inChannel(await answerMissing(context.store, intent, context.now, pagingOf(intent, context))),
  status: async (intent, context) => inChannel(await answerStatus(context.store, intent, context.now, pagingOf(intent, context))),
  pending: async (intent, context) => inChannel(await answerPending(context.store, intent, context.now, pagingOf(intent, context))),
  reboots: async (intent, context) => inChannel(await answerReboots(context.store, intent, context.now, pagingOf(intent, context))),
};

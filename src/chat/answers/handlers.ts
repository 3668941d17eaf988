import type { HandlerRegistry, Reply } from '../reply.ts';
import type { Answer } from './estate.ts';
import { answerHelp } from './help.ts';
import { answerMissing } from './missing.ts';
import { answerPending } from './pending.ts';
import { answerReboots } from './reboots.ts';
import { answerStatus } from './status.ts';

/** Answers about the estate are for the channel: whoever asked, the team may want to see it. */
const inChannel = ({ card, data }: Answer): Reply => ({ public: card, data });

/** The read-only answers: they read the store and change nothing, so anyone may ask. */
export const answerHandlers: HandlerRegistry = {
  // Help is for the asker alone; the channel has seen it before.
  help: async (intent) => {
    const { card, data } = answerHelp(intent);
    return { private: card, data };
  },
  missing: async (intent, { store, now }) => inChannel(await answerMissing(store, intent, now)),
  status: async (intent, { store, now }) => inChannel(await answerStatus(store, intent, now)),
  pending: async (intent, { store, now }) => inChannel(await answerPending(store, intent, now)),
  reboots: async (intent, { store, now }) => inChannel(await answerReboots(store, intent, now)),
};

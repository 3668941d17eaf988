import { randomBytes } from 'node:crypto';
import { type TurnContext, TurnContext as Turn } from 'botbuilder';
import type { Actor } from '../../src/chat/actor.ts';
import { errorReply } from '../../src/chat/error-reply.ts';
import type { Card } from '../../src/chat/card.ts';
import type { ChatHub, Responder } from '../../src/chat/chat-hub.ts';
import type { Interaction } from '../../src/chat/interaction.ts';
import type { Reply } from '../../src/chat/reply.ts';
import type { Logger } from '../../src/shared/logger.ts';
import type { Connector } from './connector.ts';
import { actionInteraction, questionInteraction } from './inbound.ts';
import { cardText, errorBody, type InvokeBody, invokeBodyOf, messageBody } from './invoke-response.ts';
import type { TeamsPeople } from './people.ts';
import { type Activity, ExecuteValue } from './schema.ts';
import type { TeamsSurface } from './teams-surface.ts';

export interface TurnOptions {
  /** Set when the service mounts the surface; until then nothing is dispatched. */
  hub: () => ChatHub | null;
  people: TeamsPeople;
  surface: TeamsSurface;
  connector: Connector;
  log: Logger;
  /** How long a click may take before its invoke is answered anyway (Teams waits ~3 s at most). */
  invokeBudgetMs?: number;
}

export interface TurnHandler {
  /** Runs one authenticated activity; for an invoke, returns the invoke response body. */
  run(context: TurnContext, activity: Activity): Promise<InvokeBody | null>;
  /** Resolves when the work of every answered activity has finished (shutdown). */
  idle(): Promise<void>;
}

/**
 * What patchbot does with each activity. Messages are answered 200 at once and worked on after
 * (Teams gives up after ~10 s); a click is answered within the invoke budget with the card as the
 * clicker should now see it, and whatever the hub does after (the shared card's edit, the decision
 * in the thread) carries on. Install events are acknowledged and nothing else.
 */
export const createTurnHandler = (options: TurnOptions): TurnHandler => {
  const { people, surface, connector, log, invokeBudgetMs = 2500 } = options;
  const inflight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inflight.add(work);
    void work.finally(() => inflight.delete(work)).catch(() => undefined);
    return work;
  };

  const actorOf = (activity: Activity) => people.actor(activity.from, () => connector.member(activity.serviceUrl, activity.conversation.id, activity.from.id));

  /** A request that failed before the hub could answer it (the person could not be looked up: the database is away). */
  const failureCard = (error: unknown): Card | undefined => errorReply(error, randomBytes(4).toString('hex'), log).private;
  const nobody = (activity: Activity): Actor => ({ person: null, surfaceUserId: activity.from.aadObjectId ?? activity.from.id, displayName: activity.from.name ?? activity.from.id });

  const onMessage = async (hub: ChatHub, context: TurnContext, activity: Activity) => {
    const text = Turn.removeRecipientMention(context.activity) ?? activity.text ?? '';
    let actor: Actor;
    try {
      actor = await actorOf(activity);
    } catch (error) {
      // The asker is told privately (in Teams, a 1:1 chat), never left waiting in silence.
      log.error({ err: error }, 'teams message handling failed');
      const card = failureCard(error);
      const asked = questionInteraction(activity, text, nobody(activity), new Date());
      if (card && asked.text) await surface.ephemeral(asked.channel, asked.actor, card);
      return;
    }
    const interaction = questionInteraction(activity, text, actor, new Date());
    if (!interaction.text) return;
    const reply = await hub.handle(interaction);
    log.debug({ interaction: interaction.id, duplicate: reply.duplicate === true, error: reply.error?.code }, 'teams message handled');
  };

  const onAction = async (hub: ChatHub, activity: Activity): Promise<InvokeBody> => {
    const value = ExecuteValue.safeParse(activity.value);
    if (!value.success || value.data.action.type !== 'Action.Execute') return errorBody(400, 'NotSupported', 'patchbot cards use Action.Execute only');
    let actor: Actor;
    try {
      actor = await actorOf(activity);
    } catch (error) {
      // Answered in the invoke, as a refusal is: nothing was counted, and the clicker knows why.
      log.error({ err: error }, 'teams click handling failed');
      const card = failureCard(error);
      return messageBody(card ? cardText(card) : 'Something went wrong; try again in a moment.');
    }
    const interaction: Interaction = actionInteraction(activity, value.data, actor, new Date());
    let answered = false;
    let privateCard: Card | undefined;
    // The private answer goes into the invoke response while it is still open; later, as a 1:1.
    const responder: Responder = {
      public: async (card) => {
        const thread = interaction.thread ?? interaction.message;
        await surface.post(interaction.channel, card, thread ? { thread } : undefined);
      },
      private: async (card) => {
        if (answered) await surface.ephemeral(interaction.channel, interaction.actor, card);
        else privateCard = card;
      },
    };
    const handled = track(hub.handle(interaction, responder));
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), invokeBudgetMs).unref());
    const reply: Reply | null = await Promise.race([handled, timeout]);
    answered = true;
    log.debug(
      { interaction: interaction.id, user: interaction.actor.surfaceUserId, duplicate: reply?.duplicate === true, error: reply?.error?.code, late: reply === null },
      'teams click handled',
    );
    return reply ? invokeBodyOf(reply, privateCard) : messageBody('Working on it: the card will update shortly.');
  };

  return {
    async run(context, activity) {
      const hub = options.hub();
      if (activity.type === 'invoke') {
        if (activity.name !== 'adaptiveCard/action') return errorBody(400, 'NotSupported', `patchbot does not handle ${activity.name ?? 'unnamed'} invokes`);
        if (!hub) return errorBody(500, 'NotReady', 'patchbot is starting; try again in a moment');
        return onAction(hub, activity);
      }
      if (activity.type === 'message') {
        if (!hub) {
          log.warn('teams message before the service was ready');
          return null;
        }
        // Answered 200 now; the work goes on (and shutdown waits for it).
        void track(onMessage(hub, context, activity)).catch((error: unknown) => log.error({ err: error }, 'teams message handling failed'));
        return null;
      }
      // conversationUpdate, installationUpdate, reactions…: acknowledged, nothing to do.
      log.debug({ type: activity.type, conversation: activity.conversation.id }, 'teams activity acknowledged');
      return null;
    },
    async idle() {
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
  };
};

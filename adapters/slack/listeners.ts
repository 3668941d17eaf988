import { randomBytes } from 'node:crypto';
import type { App } from '@slack/bolt';
import type { Actor } from '../../src/chat/actor.ts';
import { errorReply } from '../../src/chat/error-reply.ts';
import type { ChatHub, Responder } from '../../src/chat/chat-hub.ts';
import type { ChatSurface } from '../../src/chat/chat-surface.ts';
import type { Interaction } from '../../src/chat/interaction.ts';
import type { Logger } from '../../src/shared/logger.ts';
import { actionInteraction, commandInteraction, questionInteraction } from './inbound.ts';
import type { SlackPeople } from './people.ts';
import { createResponder, responseUrlAllowed } from './responder.ts';
import { BlockActions, EventEnvelope, SlashCommand } from './schema.ts';

export interface ListenerOptions {
  /** Set when the service mounts the surface; until then nothing is dispatched. */
  hub: () => ChatHub | null;
  people: SlackPeople;
  surface: ChatSurface;
  botUserId: string;
  apiUrl: string | undefined;
  log: Logger;
}

/** Who asked and where, read from the request alone (no store): enough to answer a failure. */
interface Asker {
  userId: string;
  name?: string | undefined;
  channel: string;
  responseUrl?: string;
}

export interface Listeners {
  /** Resolves when the work of every acknowledged request has finished (shutdown). */
  idle(): Promise<void>;
}

/**
 * The four ways Slack talks to patchbot, each one `ack()` first (Slack's 3 s), then the work:
 * resolve the person, build the Interaction, hand it to the hub. No decisions are made here.
 */
export const registerListeners = (app: App, options: ListenerOptions): Listeners => {
  const { people, surface, botUserId, apiUrl, log } = options;
  const inflight = new Set<Promise<void>>();

  /**
   * The request failed before or while it was handled (the person could not be looked up because
   * the database is away): the asker still gets the answer privately ("The database is
   * unavailable, try again in a moment."), never silence.
   */
  const answerFailure = async (asker: Asker, error: unknown) => {
    const card = errorReply(error, randomBytes(4).toString('hex'), log).private;
    if (!card) return;
    const actor: Actor = { person: null, surfaceUserId: asker.userId, displayName: asker.name ?? asker.userId };
    const responder =
      asker.responseUrl && responseUrlAllowed(asker.responseUrl, apiUrl) ? createResponder({ responseUrl: asker.responseUrl, channel: asker.channel, actor, surface, log }) : null;
    await (responder ? responder.private(card) : surface.ephemeral(asker.channel, actor, card));
  };

  const work = async (what: string, asker: Asker | null, build: () => Promise<{ interaction: Interaction; responder?: Responder } | null>) => {
    const job = (async () => {
      const hub = options.hub();
      if (!hub) return log.warn({ what }, 'slack request before the service was ready');
      const built = await build();
      if (!built) return;
      const { interaction } = built;
      const reply = await hub.handle(interaction, built.responder);
      log.debug(
        { interaction: interaction.id, user: interaction.actor.surfaceUserId, kind: interaction.kind, duplicate: reply.duplicate === true, error: reply.error?.code },
        'slack request handled',
      );
    })().catch(async (error: unknown) => {
      log.error({ err: error, what }, 'slack request handling failed');
      if (asker) await answerFailure(asker, error).catch((failed: unknown) => log.error({ err: failed, what }, 'slack failure answer not delivered'));
    });
    inflight.add(job);
    await job.finally(() => inflight.delete(job));
  };

  app.command(/^\/.+/, async ({ ack, body }) => {
    await ack();
    const raw = SlashCommand.safeParse(body);
    const asker = raw.success ? { userId: raw.data.user_id, name: raw.data.user_name, channel: raw.data.channel_id, responseUrl: raw.data.response_url } : null;
    await work('command', asker, async () => {
      const command = SlashCommand.parse(body);
      const actor = await people.actor(command.user_id, command.user_name);
      const interaction = commandInteraction(command, actor, new Date());
      if (!responseUrlAllowed(command.response_url, apiUrl)) {
        log.warn('slack command with a foreign response_url; answering in the channel instead');
        return { interaction };
      }
      return { interaction, responder: createResponder({ responseUrl: command.response_url, channel: command.channel_id, actor, surface, log }) };
    });
  });

  app.action(/.*/, async ({ ack, body }) => {
    await ack();
    const clicked = BlockActions.safeParse(body);
    const channel = clicked.success ? (clicked.data.channel?.id ?? clicked.data.container?.channel_id) : undefined;
    const asker = clicked.success && channel ? { userId: clicked.data.user.id, channel } : null;
    await work('action', asker, async () => {
      const payload = BlockActions.safeParse(body);
      if (!payload.success) return null;
      const actor = await people.actor(payload.data.user.id, payload.data.user.name ?? payload.data.user.username);
      const interaction = actionInteraction(payload.data, actor, new Date());
      return interaction ? { interaction } : null;
    });
  });

  // Events are acknowledged by Bolt before listeners run; ignoreSelf already dropped our own posts.
  const question = async (body: unknown) => {
    const raw = EventEnvelope.safeParse(body);
    const asker = raw.success && raw.data.event.user ? { userId: raw.data.event.user, channel: raw.data.event.channel } : null;
    return work('question', asker, async () => {
      const envelope = EventEnvelope.parse(body);
      const { event } = envelope;
      if (!event.user || event.subtype || event.bot_id) return null;
      const actor = await people.actor(event.user);
      return { interaction: questionInteraction(envelope, actor, botUserId, new Date()) };
    });
  };
  app.event('app_mention', async ({ body }) => question(body));
  app.message(async ({ body, message }) => {
    // Direct messages only: channel messages reach us as app_mention when they name the bot.
    if ((message as { channel_type?: string }).channel_type === 'im') await question(body);
  });

  return {
    async idle() {
      await Promise.all([...inflight]);
    },
  };
};

import type { App } from '@slack/bolt';
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

  const work = async (what: string, build: () => Promise<{ interaction: Interaction; responder?: Responder } | null>) => {
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
    })().catch((error: unknown) => log.error({ err: error, what }, 'slack request handling failed'));
    inflight.add(job);
    await job.finally(() => inflight.delete(job));
  };

  app.command(/^\/.+/, async ({ ack, body }) => {
    await ack();
    await work('command', async () => {
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
    await work('action', async () => {
      const payload = BlockActions.safeParse(body);
      if (!payload.success) return null;
      const actor = await people.actor(payload.data.user.id, payload.data.user.name ?? payload.data.user.username);
      const interaction = actionInteraction(payload.data, actor, new Date());
      return interaction ? { interaction } : null;
    });
  });

  // Events are acknowledged by Bolt before listeners run; ignoreSelf already dropped our own posts.
  const question = async (body: unknown) =>
    work('question', async () => {
      const envelope = EventEnvelope.parse(body);
      const { event } = envelope;
      if (!event.user || event.subtype || event.bot_id) return null;
      const actor = await people.actor(event.user);
      return { interaction: questionInteraction(envelope, actor, botUserId, new Date()) };
    });
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

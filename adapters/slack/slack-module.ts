import { App } from '@slack/bolt';
import type { ChatHub } from '../../src/chat/chat-hub.ts';
import type { SlackConfig } from '../../src/config/schema-chat.ts';
import type { ChatSurfaceModule } from '../../src/platform.ts';
import type { Logger } from '../../src/shared/logger.ts';
import type { ChatThreadRepos } from '../../src/chat/chat-threads.ts';
import type { PeopleRepos } from '../../src/people/people-store.ts';
import type { LaneOptions } from '../../src/shared/channel-lanes.ts';
import { slackCall } from './errors.ts';
import { EventsReceiver } from './events-receiver.ts';
import { onlyHomeWorkspace } from './home-workspace.ts';
import { registerListeners } from './listeners.ts';
import { createSlackPeople } from './people.ts';
import { createSlackSurface } from './slack-surface.ts';
import { socketModeReceiver } from './socket-mode.ts';
import { checkAppToken, checkBotToken, checkChannels, checkSigningSecret } from './startup-checks.ts';
import { boltLogger, webClientOptions } from './web-client.ts';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackModuleOptions {
  slack: Extract<SlackConfig, { enabled: true }>;
  store: PeopleRepos & ChatThreadRepos;
  log: Logger;
  /** Per-channel pacing; Slack's ~1 message/s with short bursts by default. */
  pacing?: LaneOptions;
  /** How long shutdown waits for acknowledged work and queued posts. */
  drainMs?: number;
}

const within = (ms: number, work: Promise<unknown>) => Promise.race([work, new Promise((resolve) => setTimeout(resolve, ms).unref())]);

/**
 * Slack as the composition root wires it. Async because it checks the credentials first (a bad
 * token or secret stops startup with a clear message), then builds a Bolt App on either our
 * receiver at POST /slack/events (HTTP mode) or Bolt's SocketModeReceiver (when appToken is set).
 */
export const slackModule = async ({ slack, store, log: parentLog, pacing, drainMs = 10_000 }: SlackModuleOptions): Promise<ChatSurfaceModule> => {
  const log = parentLog.child({ component: 'slack' });
  const socketMode = slack.appToken !== undefined;
  const signingSecret = slack.signingSecret;
  if (!socketMode) checkSigningSecret(signingSecret ?? '');
  checkChannels(slack.channels);
  const identity = await checkBotToken(slack.botToken, slack.apiUrl, log);
  if (slack.appToken !== undefined) await checkAppToken(slack.appToken, slack.apiUrl, log);

  const receiver =
    slack.appToken !== undefined ? socketModeReceiver({ appToken: slack.appToken, apiUrl: slack.apiUrl, log }) : new EventsReceiver({ signingSecret: signingSecret ?? '', log });
  const app = new App({
    token: slack.botToken,
    // Known from our auth.test: Bolt then never calls auth.test itself.
    botId: identity.botId,
    botUserId: identity.botUserId,
    receiver,
    logger: boltLogger(log),
    clientOptions: webClientOptions({ apiUrl: slack.apiUrl, log }),
    convoStore: false,
  });
  app.error(async (error) => {
    log.error({ err: error }, 'slack listener failed');
  });
  app.use(onlyHomeWorkspace(identity.home, log));

  const surface = createSlackSurface({ client: app.client, store, ...(pacing ? { pacing } : {}) });
  const people = createSlackPeople({ store, usersInfo: (user) => slackCall('users.info', () => app.client.users.info({ user })), home: identity.home, log });
  let hub: ChatHub | null = null;
  const listeners = registerListeners(app, { hub: () => hub, people, surface, botUserId: identity.botUserId, apiUrl: slack.apiUrl, log });
  let socket: Promise<unknown> | null = null;
  log.info({ team: identity.team, bot: identity.botUserId, mode: socketMode ? 'socket' : 'http' }, 'slack connected');

  return {
    binding: { surface, channels: { ...slack.channels } },
    mount(server, mountedHub) {
      hub = mountedHub;
      if (receiver instanceof EventsReceiver) return server.route('POST', SLACK_EVENTS_PATH, receiver.handler);
      socket = app.start().then(
        () => log.info('slack socket mode connected'),
        (error: unknown) => log.error({ err: error }, 'slack socket mode could not connect'),
      );
    },
    async stop() {
      if (socket) {
        // A socket still trying to connect must not hold shutdown up.
        await within(drainMs, socket);
        await app.stop();
      }
      // Acknowledged requests finish their work and queued posts go out, within the drain budget.
      await within(
        drainMs,
        (async () => {
          await listeners.idle();
          await surface.idle();
        })(),
      );
    },
  };
};

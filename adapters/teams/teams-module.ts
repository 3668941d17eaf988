import type { ChatHub } from '../../src/chat/chat-hub.ts';
import type { TeamsConfig } from '../../src/config/schema-chat.ts';
import type { ChatSurfaceModule } from '../../src/platform.ts';
import type { Logger } from '../../src/shared/logger.ts';
import type { ChatThreadRepos } from '../../src/chat/chat-threads.ts';
import type { PeopleRepos } from '../../src/people/people-store.ts';
import { createBotAuth } from './bot-auth.ts';
import { createConnector } from './connector.ts';
import { messagesEndpoint } from './messages-endpoint.ts';
import { createTeamsPeople } from './people.ts';
import { createTeamsSurface } from './teams-surface.ts';
import { createTurnHandler } from './turn.ts';

export const TEAMS_MESSAGES_PATH = '/api/messages';
/** Where Teams' Connector lives when nothing configured or taught another (integrations §2.5). */
const PUBLIC_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';

export interface TeamsModuleOptions {
  teams: Extract<TeamsConfig, { enabled: true }>;
  store: PeopleRepos & ChatThreadRepos;
  log: Logger;
  drainMs?: number;
}

const within = (ms: number, work: Promise<unknown>) => Promise.race([work, new Promise((resolve) => setTimeout(resolve, ms).unref())]);

/**
 * Teams as the composition root wires it. Async because it asks the login authority for a token
 * first: a wrong app id or secret stops startup with one clear line, not at the first post.
 */
export const teamsModule = async ({ teams, store, log: parentLog, drainMs = 10_000 }: TeamsModuleOptions): Promise<ChatSurfaceModule> => {
  const log = parentLog.child({ component: 'teams' });
  const { botAuth, token } = createBotAuth(teams);
  await token();
  let learnedServiceUrl: string | undefined;
  const connector = createConnector({ token, log });
  const surface = createTeamsSurface({
    connector,
    store,
    appId: teams.appId,
    serviceUrl: () => teams.serviceUrl ?? learnedServiceUrl ?? PUBLIC_SERVICE_URL,
    tenantId: () => teams.tenantId,
    log,
  });
  const people = createTeamsPeople({ store, tenantId: teams.tenantId, log });
  let hub: ChatHub | null = null;
  const turns = createTurnHandler({ hub: () => hub, people, surface, connector, log });
  log.info({ appId: teams.appId, appType: teams.appType }, 'teams connected');

  return {
    binding: { surface, channels: { ...teams.channels } },
    mount(server, mountedHub) {
      hub = mountedHub;
      server.route(
        'POST',
        TEAMS_MESSAGES_PATH,
        messagesEndpoint({
          botAuth,
          tenantId: teams.tenantId,
          turn: (context, activity) => turns.run(context, activity),
          // Only from authenticated activities of the home tenant: the token's serviceurl claim vouches for the address.
          learn: (activity) => {
            learnedServiceUrl = activity.serviceUrl;
          },
          log,
        }),
      );
    },
    async stop() {
      await within(
        drainMs,
        (async () => {
          await turns.idle();
          await surface.idle();
        })(),
      );
    },
  };
};

/** `config check --connect`: asks the login authority for a Bot Framework token, as the first post would. */
export const checkTeamsCredentials = async (teams: Extract<TeamsConfig, { enabled: true }>): Promise<void> => {
  await createBotAuth(teams).token();
};

import type { ChatHub } from '../../src/chat/chat-hub.ts';
import type { Config } from '../../src/config/schema.ts';
import type { HttpServer } from '../../src/server/http-server.ts';
import type { Logger } from '../../src/shared/logger.ts';
import { API_PREFIX, consoleApi } from './api.ts';
import { isDemoMode } from '../../src/config/demo-mode.ts';
import { tokenOwner } from '../../src/people/access-tokens.ts';
import { sessionPerson } from '../../src/people/sign-in-sessions.ts';
import { HttpError } from '../../src/server/router.ts';
import { consoleAccess } from './auth.ts';
import { mountOidc } from './oidc.ts';
import { sessionCodec } from './session-cookie.ts';
import type { ConsoleSurface } from './console-surface.ts';
import { createLiveViews } from './events.ts';
import { loadPage, sendFile } from './page.ts';
import type { ConsoleStore } from './console-history.ts';

export interface ConsoleRouteOptions {
  surface: ConsoleSurface;
  hub: ChatHub;
  store: ConsoleStore;
  config: Config;
  log: Logger;
  /** Live view timings; tests shorten them. */
  live?: { pollMs?: number; heartbeatMs?: number; window?: number };
}

/**
 * The console on the one HTTP server: the page at `/` (its scripts and styles under /console/),
 * the JSON API and the live event stream under /api/console. Every route goes through the same
 * access check; stop() ends the event streams so the server can drain.
 */
export const mountConsole = (server: HttpServer, options: ConsoleRouteOptions): { stop(): Promise<void> } => {
  const { surface, hub, store, config, log } = options;
  const oidc = config.chat.console.oidc;
  const sessions = oidc ? sessionCodec(oidc.sessionSecret) : null;
  const access = consoleAccess({
    token: config.server.token,
    demo: isDemoMode(config),
    sessions,
    sessionOwner: (sessionId) => sessionPerson(store.signInSessions, sessionId, new Date()),
    tokenOwner: (secret) => tokenOwner(store.accessTokens, secret, new Date()),
  });
  if (oidc && sessions) mountOidc(server, { oidc, sessions, people: store.people, signIns: store.signInSessions, log });
  const live = createLiveViews({ surface, store, log, recheckMs: config.chat.console.accessRecheck, ...options.live });

  for (const file of loadPage()) {
    server.route('GET', file.path, async ({ req, res, url }) => {
      // `/?token=…` is how a browser gets in when a token is set: it has no cookie yet.
      if (file.path === '/' && access.login(req, res, url)) return;
      try {
        await access.identify(req);
      } catch (error) {
        // With sign-in configured, a browser without a session is sent to sign in.
        if (!(oidc && file.path === '/' && error instanceof HttpError && error.status === 401)) throw error;
        res.writeHead(303, { location: '/auth/login', 'cache-control': 'no-store' });
        res.end();
        return;
      }
      sendFile(res, file);
    });
  }
  server.mount(API_PREFIX, consoleApi({ surface, hub, store, config, access, live, signIn: oidc !== undefined }));
  log.debug({ tokenRequired: config.server.token !== undefined, demo: isDemoMode(config), signIn: oidc !== undefined }, 'console mounted');

  return { stop: () => live.stop() };
};

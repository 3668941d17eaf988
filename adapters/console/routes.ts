import type { ChatHub } from '../../src/chat/chat-hub.ts';
import type { Config } from '../../src/config/schema.ts';
import type { HttpServer } from '../../src/server/http-server.ts';
import type { Logger } from '../../src/shared/logger.ts';
import { API_PREFIX, consoleApi } from './api.ts';
import { consoleAccess } from './auth.ts';
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
  const access = consoleAccess(config.server.token);
  const live = createLiveViews({ surface, store, log, ...options.live });

  for (const file of loadPage()) {
    server.route('GET', file.path, ({ req, res, url }) => {
      // `/?token=…` is how a browser gets in when a token is set: it has no cookie yet.
      if (file.path === '/' && access.login(req, res, url)) return;
      access.check(req, { stateChanging: false });
      sendFile(res, file);
    });
  }
  server.mount(API_PREFIX, consoleApi({ surface, hub, store, config, access, live }));
  log.debug({ tokenRequired: config.server.token !== undefined }, 'console mounted');

  return { stop: () => live.stop() };
};

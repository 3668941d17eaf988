import type { Config } from '../../src/config/schema.ts';
import type { ChatSurfaceModule } from '../../src/platform.ts';
import type { Logger } from '../../src/shared/logger.ts';
import { CONSOLE_CHANNELS, createConsoleSurface } from './console-surface.ts';
import { mountConsole } from './routes.ts';
import type { ConsoleHistory, ConsoleStore } from './console-history.ts';

/**
 * The console as the composition root wires it: a store-backed surface plus its page and API. Its
 * history is its own port (./console-history.ts), handed in beside the features' repositories.
 */
export const consoleModule = (options: { store: Omit<ConsoleStore, 'consoleMessages'>; history: ConsoleHistory; config: Config; log: Logger }): ChatSurfaceModule => {
  const { config, log } = options;
  const store: ConsoleStore = { ...options.store, consoleMessages: options.history };
  const surface = createConsoleSurface({ store });
  let mounted: { stop(): Promise<void> } | null = null;
  return {
    binding: { surface, channels: { ...CONSOLE_CHANNELS } },
    mount(server, hub) {
      mounted = mountConsole(server, { surface, hub, store, config, log: log.child({ component: 'console' }) });
    },
    stop: async () => mounted?.stop(),
  };
};

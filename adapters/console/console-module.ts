import type { Config } from '../../src/config/schema.ts';
import type { ChatSurfaceModule } from '../../src/platform.ts';
import type { Logger } from '../../src/shared/logger.ts';
import type { Store } from '../../src/store/store.ts';
import { CONSOLE_CHANNELS, createConsoleSurface } from './console-surface.ts';
import { mountConsole } from './routes.ts';

/** The console as the composition root wires it: a store-backed surface plus its page and API. */
export const consoleModule = ({ store, config, log }: { store: Store; config: Config; log: Logger }): ChatSurfaceModule => {
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

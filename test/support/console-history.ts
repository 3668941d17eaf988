import type { ConsoleHistory } from '../../adapters/console/console-history.ts';
import type { ConsoleSurface } from '../../adapters/console/console-surface.ts';
import type { ChatSurfaceModule } from '../../src/platform.ts';

/** The console's history in a running service: what its channels show. */
export const consoleHistoryOf = (runtime: { surfaces: ChatSurfaceModule[] }): ConsoleHistory => {
  const surface = runtime.surfaces.find((s) => s.binding.surface.name === 'console')?.binding.surface;
  if (!surface) throw new Error('the console surface is not enabled');
  return (surface as ConsoleSurface).history;
};

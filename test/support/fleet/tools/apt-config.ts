import { archivesDir } from './apt-files.ts';
import type { Tool } from './tool-context.ts';

/** `apt-config shell VAR Dir::Cache::archives/d`: where this host's apt keeps downloaded packages. */
export const aptConfig: Tool = (ctx, argv) => {
  const [operation, variable, key] = argv;
  if (operation !== 'shell' || !variable || key?.toLowerCase() !== 'dir::cache::archives/d') {
    ctx.err(`E: the fleet simulator implements apt-config shell VAR Dir::Cache::archives/d only, not ${argv.join(' ')}`);
    return 100;
  }
  ctx.out(`${variable}='${archivesDir(ctx)}/'`);
  return 0;
};

import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Group and other bits: none of them may be set on the embedded database's files. */
const OPEN_TO_OTHERS = 0o077;

/**
 * Makes the embedded database's directory private to the service's user: 0700 directories and
 * 0600 files, however the umask was set. PGlite writes with mode 0666 minus the umask, so under a
 * common umask of 0000 or 0002 any local user could read the WAL (which holds whatever the store
 * holds, ITSM passwords in outbox payloads included) or corrupt it.
 *
 * - the directory is created 0700, or an existing one is tightened, with every directory and file
 *   under it (symbolic links are left alone: chmod would follow them out of the directory);
 * - files PGlite creates later (new WAL segments) are made private by its worker
 *   (pglite-worker.mjs), because PGlite chmods them 0666 past any umask.
 *
 * Returns the paths it had to tighten, for the caller to say so.
 */
export const makePrivateDir = (dir: string): string[] => {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tightened: string[] = [];
  const visit = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    if ((stat.mode & OPEN_TO_OTHERS) !== 0) {
      chmodSync(path, stat.mode & 0o700);
      tightened.push(path);
    }
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return tightened;
};

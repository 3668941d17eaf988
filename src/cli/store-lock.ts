import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PatchbotError } from '../shared/errors.ts';

/**
 * PGlite is PostgreSQL inside one process: two processes opening one data directory would corrupt
 * it. Whoever opens it leaves this file; the service also leaves its local API address, so a CLI
 * started meanwhile sends its command to the service instead of opening the store itself.
 */
export interface LockHolder {
  pid: number;
  command: string;
  /** Set by the service: where its local API listens, and the token it accepts. */
  api?: { url: string; token: string };
}

const lockPath = (dir: string) => join(dir, 'patchbot.lock.json');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Group or other may write: another local user could have written the lock, or could replace it. */
const WRITABLE_BY_OTHERS = 0o022;

/**
 * Why a lock may not be believed, or null. A lock sends this CLI's commands to the API it names and
 * prints what comes back, so only one the store's owner wrote, in a directory no one else can write
 * to, counts: another local user who can write there could plant one and answer for the service.
 * The store's owner is this user; root may also use a service account's store (`sudo patchbot …`).
 */
const distrust = (dir: string, file: string): string | null => {
  const uid = process.getuid?.();
  if (uid === undefined) return null; // no file owners to compare (Windows)
  const folder = statSync(dir);
  const owner = uid === 0 ? folder.uid : uid;
  const checks: Array<[string, { uid: number; mode: number; isSymbolicLink(): boolean }]> = [
    [dir, folder],
    [file, lstatSync(file)],
  ];
  for (const [path, stat] of checks) {
    if (stat.isSymbolicLink()) return `${path} is a symbolic link`;
    if (stat.uid !== owner) return `${path} is owned by uid ${stat.uid}, not by uid ${owner} who ${owner === uid ? 'runs patchbot' : 'owns the store'}`;
    if (stat.mode & WRITABLE_BY_OTHERS) return `${path} is writable by others (mode ${(stat.mode & 0o777).toString(8)})`;
  }
  return null;
};

/** The live holder of the store, or null (a lock left by a dead process is removed). */
export const readLock = (dir: string): LockHolder | null => {
  let holder: LockHolder;
  try {
    holder = JSON.parse(readFileSync(lockPath(dir), 'utf8')) as LockHolder;
  } catch {
    return null;
  }
  const why = distrust(dir, lockPath(dir));
  if (why)
    throw new PatchbotError(
      'untrusted-lock',
      `Refusing the lock file ${lockPath(dir)}: ${why}. Another local user could have written it, to answer patchbot's commands in place of the service.`,
      `Keep the embedded store in a directory only this user can write to (patchbot makes its own 0700), remove the file if it is not yours, or use a PostgreSQL server (store.url: postgres://…).`,
    );
  if (holder.pid !== process.pid && !alive(holder.pid)) {
    rmSync(lockPath(dir), { force: true });
    return null;
  }
  return holder;
};

/** Takes the lock or returns who holds it. Created with O_EXCL, so two starters cannot both win. */
export const acquireLock = (dir: string, holder: LockHolder): { ok: true; release: () => void } | { ok: false; holder: LockHolder } => {
  // The lock may come before the store: a fresh data directory does not exist yet, and is private from the start.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath(dir), 'wx', 0o600);
      writeSync(fd, JSON.stringify(holder));
      closeSync(fd);
      return { ok: true, release: () => rmSync(lockPath(dir), { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = readLock(dir);
      if (current) return { ok: false, holder: current };
    }
  }
  throw new Error(`could not lock ${lockPath(dir)}`);
};

/** The service adds its API address once its HTTP server listens. */
export const publishApi = (dir: string, holder: LockHolder) => {
  const fd = openSync(lockPath(dir), 'w', 0o600);
  writeSync(fd, JSON.stringify(holder));
  closeSync(fd);
};

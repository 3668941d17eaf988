import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

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

/** The live holder of the store, or null (a lock left by a dead process is removed). */
export const readLock = (dir: string): LockHolder | null => {
  let holder: LockHolder;
  try {
    holder = JSON.parse(readFileSync(lockPath(dir), 'utf8')) as LockHolder;
  } catch {
    return null;
  }
  if (holder.pid !== process.pid && !alive(holder.pid)) {
    rmSync(lockPath(dir), { force: true });
    return null;
  }
  return holder;
};

/** Takes the lock or returns who holds it. Created with O_EXCL, so two starters cannot both win. */
export const acquireLock = (dir: string, holder: LockHolder): { ok: true; release: () => void } | { ok: false; holder: LockHolder } => {
  // The lock may come before the store: a fresh data directory does not exist yet.
  mkdirSync(dir, { recursive: true });
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

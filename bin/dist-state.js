// Whether dist/ (the compiled code, `npm run build`) can run: 'fresh' when its build stamp is newer
// than every source file, 'stale' when a source changed since, 'missing' without a build. An image
// or package without sources (only dist/) is fresh by definition. Walking the sources costs a few
// milliseconds: a few hundred stat calls.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const STAMP = join(ROOT, 'dist', '.build-stamp');
const SOURCES = ['src', 'adapters', 'tsconfig.json', 'tsconfig.build.json'];

const newestMtime = (path) => {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file shows only as its folder's change
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
};

/** @returns {'fresh' | 'stale' | 'missing'} */
export const distState = () => {
  if (!existsSync(STAMP)) return 'missing';
  if (!existsSync(join(ROOT, 'src'))) return 'fresh';
  const built = statSync(STAMP).mtimeMs;
  return SOURCES.some((source) => newestMtime(join(ROOT, source)) > built) ? 'stale' : 'fresh';
};

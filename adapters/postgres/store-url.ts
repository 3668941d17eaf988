// Apart from open-store.ts so that deciding where the store lives (the CLI's lock check) does not
// load the database clients.
import { resolve } from 'node:path';

export type StoreLocation = { engine: 'pglite'; dataDir: string | null } | { engine: 'postgres'; url: string };

/** `pglite://memory`, `pglite://<dir>` (relative to cwd), `postgres://…` / `postgresql://…`. */
export const parseStoreUrl = (url: string, cwd = process.cwd()): StoreLocation => {
  if (url.startsWith('pglite://')) {
    const rest = url.slice('pglite://'.length);
    if (rest === 'memory' || rest === ':memory:') return { engine: 'pglite', dataDir: null };
    if (!rest) throw new Error('store.url pglite:// needs a directory (pglite://./data) or pglite://memory');
    return { engine: 'pglite', dataDir: resolve(cwd, rest) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { engine: 'postgres', url };
  throw new Error(`store.url must start with pglite:// or postgres:// (got ${url.split('://')[0]}://…)`);
};

/**
 * Composition root: the only module that imports adapters. It builds the Platform (the outside
 * world as ports) and hands it to the CLI; it decides nothing itself.
 */
import { migrate, migrationStatus } from '../adapters/postgres/migrate.ts';
import { openStore, parseStoreUrl } from '../adapters/postgres/open-store.ts';
import { startPgBossQueue } from '../adapters/postgres/pg-boss-queue.ts';
import { runCli } from './cli/run-cli.ts';
import { readEnv } from './config/env.ts';
import type { Platform } from './platform.ts';

export const platform: Platform = {
  async openStore(url, { migrate: applyMigrations }) {
    const opened = await openStore(url, { migrate: applyMigrations });
    return {
      store: opened.store,
      engine: opened.sql.engine,
      applied: opened.migration?.applied ?? [],
      migrationStatus: () => migrationStatus(opened.sql),
      migrate: async () => (await migrate(opened.sql)).applied,
      startQueue: (onError) => startPgBossQueue({ sql: opened.sql, onError }),
      close: () => opened.store.close(),
    };
  },
  exclusiveDir(url) {
    const location = parseStoreUrl(url);
    return location.engine === 'pglite' ? location.dataDir : null;
  },
};

export const main = async (argv: string[]): Promise<number> =>
  runCli(argv, {
    platform,
    io: { stdout: process.stdout, stderr: process.stderr, env: readEnv(), cwd: process.cwd(), isTty: Boolean(process.stderr.isTTY) },
  });

import { randomBytes } from 'node:crypto';
import { cpSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import type { ConsoleHistory } from '../../adapters/console/console-history.ts';
import { consoleMessageRepository } from '../../adapters/postgres/console-messages.ts';
import { openStore, type OpenedStore } from '../../adapters/postgres/open-store.ts';
import type { Card } from '../../src/chat/card.ts';
import { type PatchbotStore, patchbotStore } from '../../src/patchbot-store.ts';

export type EngineName = 'pglite' | 'postgres';

/** A store as the composition root wires it (ticket sync follows changes), and the console's history. */
export interface FreshStore extends Omit<OpenedStore, 'store'> {
  store: PatchbotStore;
  consoleMessages: ConsoleHistory;
}

/** Wires an opened engine as src/main.ts does. */
export const wired = (opened: OpenedStore): FreshStore => ({ ...opened, store: patchbotStore(opened.store), consoleMessages: consoleMessageRepository<Card>(opened.sql) });

/** A fresh PGlite from the run's migrated template: isolated, and fast to start. */
export const freshPglite = async (): Promise<FreshStore> => {
  const template = new Blob([readFileSync(inject('pgliteTemplate'))]);
  return wired(await openStore('pglite://memory', { template }));
};

/**
 * `dataDir` (not there yet) made a copy of the run's migrated PGlite data directory, so that a
 * store opened there costs neither initdb nor the migrations: for tests whose subject is not a
 * new store. Returns `dataDir`.
 */
export const migratedPgliteDir = (dataDir: string): string => {
  cpSync(inject('pgliteDataDir'), dataDir, { recursive: true });
  return dataDir;
};

const newDatabase = async (template: string | null): Promise<string> => {
  const admin = inject('postgresUrl');
  if (!admin) throw new Error(`PostgreSQL is not available: ${inject('postgresMissing')}`);
  const name = `patchbot_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  } finally {
    await client.end();
  }
  return admin.replace(/\/[^/]*$/, `/${name}`);
};

/** A fresh, empty database on the run's PostgreSQL server; its URL is returned so other processes can share it. */
export const freshPostgresUrl = (): Promise<string> => newDatabase(null);

/**
 * A fresh database with every migration applied: a copy of the run's migrated template
 * (test/global-setup.ts), which costs a fraction of migrating an empty one. For tests that are
 * not about migrating.
 */
export const migratedPostgresUrl = (): Promise<string> => newDatabase(inject('postgresTemplate'));

export const freshPostgres = async (): Promise<FreshStore> => wired(await openStore(await migratedPostgresUrl()));

export const openFresh = (engine: EngineName) => (engine === 'pglite' ? freshPglite() : freshPostgres());

/**
 * Engines to run a contract over. PostgreSQL is required in CI; elsewhere, when it is not
 * installed, its half is skipped with the reason printed (never silently).
 */
export const availableEngines = (): EngineName[] => {
  const missing = inject('postgresMissing');
  if (missing && !inject('postgresUrl')) {
    if (process.env.CI) throw new Error(`CI needs PostgreSQL for the contract suite: ${missing}`);
    console.warn(`[skip] PostgreSQL half of the store contract: ${missing}`);
    return ['pglite'];
  }
  return ['pglite', 'postgres'];
};

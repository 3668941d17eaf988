import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { openStore, type OpenedStore } from '../../adapters/postgres/open-store.ts';

export type EngineName = 'pglite' | 'postgres';

/** A fresh PGlite from the run's migrated template: isolated, and fast to start. */
export const freshPglite = async (): Promise<OpenedStore> => {
  const template = new Blob([readFileSync(inject('pgliteTemplate'))]);
  return openStore('pglite://memory', { template });
};

/** A fresh database on the run's PostgreSQL server; its URL is returned so other processes can share it. */
export const freshPostgresUrl = async (): Promise<string> => {
  const admin = inject('postgresUrl');
  if (!admin) throw new Error(`PostgreSQL is not available: ${inject('postgresMissing')}`);
  const name = `patchbot_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  return admin.replace(/\/[^/]*$/, `/${name}`);
};

export const freshPostgres = async (): Promise<OpenedStore> => openStore(await freshPostgresUrl());

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

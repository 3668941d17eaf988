import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '../adapters/postgres/migrate.ts';
import { openStore } from '../adapters/postgres/open-store.ts';
import { openPg } from '../adapters/postgres/pg-client.ts';
import { dumpPglite, openPglite } from '../adapters/postgres/pglite-client.ts';
import { transpileTools } from './support/fleet/transpile-tools.ts';
import { type Cluster, postgresAvailable, startCluster } from './support/postgres-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    /** A migrated PGlite data directory, closed: copied where a test needs an embedded store on disk (engines.ts). */
    pgliteDataDir: string;
    postgresUrl: string | null;
    /** A database on that server with every migration applied, for `create database … template` (engines.ts). */
    postgresTemplate: string | null;
    postgresMissing: string | null;
    testCacheHome: string;
    /** The fleet's simulated tools as JavaScript, made once for the run (fleet/transpile-tools.ts). */
    fleetTools: string;
  }
}

/** Runs one statement on the server's admin database. */
const admin = async (url: string, statement: string) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
};

/** The migrated PGlite dumped to `file`, and loaded from that dump into `dataDir` (as a built service's first start loads its prepared files). */
const pgliteTemplates = async (file: string, dataDir: string) => {
  const pglite = await openPglite({ dataDir: null });
  await migrate(pglite);
  const dump = await dumpPglite(pglite);
  await pglite.close();
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await (await openStore(`pglite://${dataDir}`, { template: dump })).store.close();
};

/**
 * Once per test run: a migrated PGlite database dumped to a file (a fresh PGlite costs ~4 s, a
 * load from the dump well under one) and the same as a data directory to copy, and a throwaway
 * PostgreSQL cluster for the server half of the contract suite with a migrated database to copy
 * (migrating an empty one costs more). PATCHBOT_TEST_POSTGRES_URL points at an existing server instead.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'patchbot-test-'));
  const template = join(dir, 'pglite-template.tar');
  const dataDir = join(dir, 'pglite-data');
  // PGlite works in a worker thread meanwhile: the cluster's initdb below blocks only this one.
  const pglite = pgliteTemplates(template, dataDir);
  pglite.catch(() => undefined); // awaited below; a cluster that fails to start first must not leave it unhandled

  let cluster: Cluster | null = null;
  const given = process.env.PATCHBOT_TEST_POSTGRES_URL ?? null;
  const missing = given ? null : postgresAvailable();
  if (!given && !missing) cluster = await startCluster();
  const serverUrl = given ?? cluster?.url ?? null;
  const templateName = serverUrl ? `patchbot_template_${process.pid}` : null;
  if (serverUrl && templateName) {
    await admin(serverUrl, `create database ${templateName}`);
    const sql = await openPg({ url: serverUrl.replace(/\/[^/]*$/, `/${templateName}`) });
    await migrate(sql).finally(() => sql.close());
  }
  // Here, while PGlite works in its thread, rather than in each test process that starts a fleet.
  const fleetTools = join(dir, 'fleet-tools');
  transpileTools(fleetTools);
  await pglite;
  project.provide('fleetTools', fleetTools);
  project.provide('pgliteTemplate', template);
  project.provide('pgliteDataDir', dataDir);
  project.provide('postgresUrl', serverUrl);
  project.provide('postgresMissing', missing);
  project.provide('postgresTemplate', templateName);

  return async () => {
    // On a server the run did not start, the template would outlive it.
    if (given && templateName) await admin(given, `drop database if exists ${templateName}`);
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
    const cacheHome = project.config.provide.testCacheHome;
    if (cacheHome) rmSync(cacheHome, { recursive: true, force: true });
  };
}

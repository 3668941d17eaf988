import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate } from '../adapters/postgres/migrate.ts';
import { dumpPglite, openPglite } from '../adapters/postgres/pglite-client.ts';
import { type Cluster, postgresAvailable, startCluster } from './support/postgres-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresUrl: string | null;
    postgresMissing: string | null;
    testCacheHome: string;
  }
}

/**
 * Once per test run: a migrated PGlite database dumped to a file (a fresh PGlite costs ~4 s, a
 * load from the dump well under one), and a throwaway PostgreSQL cluster for the server half of
 * the contract suite. PATCHBOT_TEST_POSTGRES_URL points at an existing server instead.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'patchbot-test-'));
  const pglite = await openPglite({ dataDir: null });
  await migrate(pglite);
  const template = join(dir, 'pglite-template.tar');
  writeFileSync(template, Buffer.from(await (await dumpPglite(pglite)).arrayBuffer()));
  await pglite.close();
  project.provide('pgliteTemplate', template);

  let cluster: Cluster | null = null;
  const given = process.env.PATCHBOT_TEST_POSTGRES_URL ?? null;
  const missing = given ? null : postgresAvailable();
  if (!given && !missing) cluster = await startCluster();
  project.provide('postgresUrl', given ?? cluster?.url ?? null);
  project.provide('postgresMissing', missing);

  return () => {
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
    const cacheHome = project.config.provide.testCacheHome;
    if (cacheHome) rmSync(cacheHome, { recursive: true, force: true });
  };
}

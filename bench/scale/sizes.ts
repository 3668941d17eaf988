import pg from 'pg';

export interface ScaleSize {
  engine: 'pglite' | 'postgres';
  hosts: number;
}

/** `--sizes pglite:10000,postgres:100000` as the cases to run, refusing anything else. */
export const parseSizes = (sizes: string): ScaleSize[] =>
  sizes
    .split(',')
    .filter(Boolean)
    .map((s) => {
      const [engine, hosts] = s.split(':');
      if ((engine !== 'pglite' && engine !== 'postgres') || !Number(hosts)) throw new Error(`--sizes takes engine:hosts pairs (pglite:10000,postgres:100000), got ${s}`);
      return { engine, hosts: Number(hosts) };
    });

/** Where a case writes: PGlite in the case's own process, or a fresh database `name` on the bench's cluster. */
export const caseTarget = async (size: ScaleSize, clusterUrl: string | undefined, name: string): Promise<string> => {
  if (size.engine === 'pglite') return 'pglite';
  const admin = new pg.Client({ connectionString: clusterUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return clusterUrl!.replace(/\/[^/]*$/, `/${name}`);
};

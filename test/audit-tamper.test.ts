import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openStore } from '../adapters/postgres/open-store.ts';
import { hashEvent } from '../src/audit/hash-chain.ts';
import { cli, writeConfig } from './support/cli.ts';
import { availableEngines, freshPostgresUrl } from './support/engines.ts';

/**
 * Tampering done the way an attacker with database access would: plain SQL against the table,
 * then `patchbot audit verify` — the real command — must exit 1 and name the first bad event.
 */

const seedChain = async (url: string, events = 8) => {
  const { store } = await openStore(url);
  for (let i = 1; i <= events; i++) {
    await store.audit.append({ actor: i % 2 ? 'bob' : 'carol', action: 'vote.cast', subject: `CHG-${i}`, data: { decision: 'approve', n: i } });
  }
  await store.close();
};

const sql = async (url: string, statements: string[]) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  for (const statement of statements) await client.query(statement);
  await client.end();
};

const verify = async (url: string) => cli(['audit', 'verify', '--config', writeConfig(`store:\n  url: ${url}\n`)]);

const TAMPERING: Array<{ name: string; problem: string; seq: number; statements: (url: string) => Promise<string[]> }> = [
  { name: 'altered data', problem: 'altered', seq: 4, statements: async () => [`update audit_events set data = '{"decision":"reject","n":4}' where seq = 4`] },
  { name: 'altered actor', problem: 'altered', seq: 6, statements: async () => [`update audit_events set actor = 'mallory' where seq = 6`] },
  { name: 'removed event', problem: 'removed', seq: 5, statements: async () => ['delete from audit_events where seq = 5'] },
  {
    name: 'removed and renumbered',
    problem: 'removed',
    seq: 5,
    statements: async () => ['delete from audit_events where seq = 5', 'update audit_events set seq = seq + 1000 where seq > 5', 'update audit_events set seq = seq - 1001 where seq > 1000'],
  },
  {
    name: 'inserted event (self-consistent forgery)',
    problem: 'inserted',
    seq: 4,
    statements: async (url) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const prev = (await client.query('select hash from audit_events where seq = 3')).rows[0] as { hash: string };
      await client.end();
      const forged = { seq: 4, at: new Date('2024-01-01T00:00:00Z'), actor: 'mallory', action: 'vote.cast', subject: 'CHG-4', data: { decision: 'approve' }, prevHash: prev.hash };
      const hash = hashEvent(forged);
      return [
        'update audit_events set seq = seq + 1000 where seq >= 4',
        'update audit_events set seq = seq - 999 where seq >= 1000',
        `insert into audit_events (seq, at, actor, action, subject, data, prev_hash, hash) values (4, '${forged.at.toISOString()}', 'mallory', 'vote.cast', 'CHG-4', '{"decision":"approve"}', '${prev.hash}', '${hash}')`,
      ];
    },
  },
  {
    name: 'reordered events',
    problem: 'reordered',
    seq: 5,
    statements: async () => ['update audit_events set seq = 100 where seq = 5', 'update audit_events set seq = 5 where seq = 6', 'update audit_events set seq = 6 where seq = 100'],
  },
];

describe.runIf(availableEngines().includes('postgres'))('audit verify on PostgreSQL', () => {
  it('passes an intact chain with exit 0', async () => {
    const url = await freshPostgresUrl();
    await seedChain(url);
    const result = await verify(url);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/intact: 8 events/);
    expect(result.code).toBe(0);
  });

  it('catches removal of the newest events against a head recorded earlier', async () => {
    const url = await freshPostgresUrl();
    await seedChain(url);
    const head = /head (\d+:[0-9a-f]{64})/.exec((await verify(url)).stdout)![1]!;
    await sql(url, ['delete from audit_events where seq >= 7']);
    expect((await verify(url)).code).toBe(0);
    const config = writeConfig(`store:\n  url: ${url}\n`);
    const checked = await cli(['audit', 'verify', '--config', config, '--expect-head', head]);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain('BROKEN at event #7 (removed)');
    expect((await cli(['audit', 'verify', '--config', config, '--expect-head', 'latest'])).code).toBe(2);
  });

  it.each(TAMPERING)('exits 1 and names the first bad event: $name', async ({ problem, seq, statements }) => {
    const url = await freshPostgresUrl();
    await seedChain(url);
    await sql(url, await statements(url));
    const result = await verify(url);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`BROKEN at event #${seq} (${problem})`);
  });
});

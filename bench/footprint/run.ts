/**
 * Footprint benchmark (issue #18): CLI start, a command forwarded to a running service, first
 * start on a fresh data directory, restart, and idle RSS after a first scan on both stores — each
 * beside its baseline measured in the same run (`node -e 0`, a bare PGlite opened in a plain
 * script, a bare `pg` client). Runs the compiled code (builds dist/ first when it is stale).
 *
 * Usage: node --import tsx bench/footprint/run.ts [--rounds 5]   → a section of bench/RESULTS.md
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startCluster } from '../../test/support/postgres-cluster.ts';
import { median, nodeScript, rssMiB, startService, timeRun } from './measure.ts';
import { writeFootprint, type Footprint, type StoreRow } from './results.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const ROUNDS = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5;
const work = mkdtempSync(join(tmpdir(), 'patchbot-footprint-'));
const loadAtStart = loadavg();
const node = process.execPath;
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

spawnSync(node, ['scripts/build.mjs', '--if-stale'], { cwd: ROOT, stdio: 'inherit' });

/** Each pair runs back to back, `ROUNDS` times, so load from other processes hits both alike. */
const paired = (measured: () => number): { ms: number; baseMs: number } => {
  const ms: number[] = [];
  const baseMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    baseMs.push(timeRun(node, ['-e', '0'], ROOT));
    ms.push(measured());
  }
  return { ms: median(ms), baseMs: median(baseMs) };
};

const help = paired(() => timeRun(node, ['bin/patchbot.js', '--help'], ROOT));
const configCheck = paired(() => timeRun(node, ['bin/patchbot.js', 'config', 'check'], ROOT));

const bareScript = (engine: 'pglite' | 'postgres', target: string) =>
  engine === 'pglite'
    ? `const t=performance.now(); const { PGlite } = await import('@electric-sql/pglite'); const db = await PGlite.create(${JSON.stringify(target)}); await db.query('select 1'); const openMs=performance.now()-t; await new Promise(r=>setTimeout(r,2000)); console.log(JSON.stringify({ openMs, rss: process.memoryUsage().rss/1048576 })); await db.close();`
    : `const t=performance.now(); const pg = (await import('pg')).default; const c = new pg.Client(${JSON.stringify(target)}); await c.connect(); await c.query('select 1'); const openMs=performance.now()-t; await new Promise(r=>setTimeout(r,2000)); console.log(JSON.stringify({ openMs, rss: process.memoryUsage().rss/1048576 })); await c.end();`;

const measureStore = async (engine: 'pglite' | 'postgres', url: string, baselineTarget: string): Promise<StoreRow & { ask?: { ms: number; baseMs: number } }> => {
  const port = await freePort();
  const config = join(work, `${engine}.yaml`);
  writeFileSync(config, [`store: { url: '${url}' }`, `server: { port: ${port} }`, 'log: { level: error }', 'schedules: { discovery: null }'].join('\n'));
  const args = ['-c', config];
  const first = await startService(ROOT, args, port);
  timeRun(node, ['bin/patchbot.js', 'scan', ...args], ROOT); // forwarded to the service: its first scan of this machine
  await settle(5000);
  const idleRss = rssMiB(first.pid);
  const ask = engine === 'pglite' ? paired(() => timeRun(node, ['bin/patchbot.js', 'ask', 'pending', ...args], ROOT)) : undefined;
  await first.stop();
  const again = await startService(ROOT, args, port);
  await settle(5000);
  const restartRss = rssMiB(again.pid);
  await again.stop();
  const bare = nodeScript(bareScript(engine, baselineTarget), ROOT);
  return {
    engine,
    firstStartMs: first.readyMs,
    restartMs: again.readyMs,
    idleRss,
    restartRss,
    bareOpenMs: bare.openMs ?? Number.NaN,
    bareRss: bare.rss ?? Number.NaN,
    ...(ask ? { ask } : {}),
  };
};

const pglite = await measureStore('pglite', `pglite://${join(work, 'data')}`, join(work, 'bare-pglite'));
const cluster = await startCluster();
let postgres: StoreRow;
try {
  postgres = await measureStore('postgres', cluster.url, cluster.url);
} finally {
  cluster.stop();
}
const result: Footprint = { rounds: ROUNDS, node: process.version, help, configCheck, ask: pglite.ask!, stores: [pglite, postgres], load: { start: loadAtStart, end: loadavg() } };
writeFootprint(join(ROOT, 'bench', 'RESULTS.md'), result);
rmSync(work, { recursive: true, force: true });
console.log(JSON.stringify(result, null, 2));

/**
 * bench/fanout — how fast patchbot scans N hosts, against baselines measured in the same run.
 *
 * Every host is the loopback sshd (a real OpenSSH, started here), and the scan command prints a
 * captured apt scan, so orchestration — SSH, parsing, storing findings — is what is measured.
 * Baselines: a bare ssh2 loop (connect, exec, close; no parsing, no store), and parallel-ssh and
 * `ansible -m raw` when installed (Debian packages pssh, ansible).
 * Usage: npm run bench:fanout [-- 200,1000]   → bench/RESULTS.md
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startCluster } from '../../test/support/postgres-cluster.ts';
import { startSshd } from '../../test/support/sshd.ts';
import { writeFixturePlaybook } from './fixture-playbook.ts';
import { writeResults, type Row } from './results.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'scans', 'debian12-scan.txt');
const SIZES = (process.argv[2] ?? '200,1000').split(',').map(Number);
const CONCURRENCY = 50;

const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const node = (script: string, arg: string) => {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, script), arg], { encoding: 'utf8', cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { hostsPerSecond: number; peakRss: number; retainedHeap?: number; failures: number; seconds: number };
};
const timed = (cmd: string, args: string[], env: Record<string, string> = {}) => {
  const started = performance.now();
  const result = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 });
  return { seconds: (performance.now() - started) / 1000, status: result.status, stderr: result.stderr };
};

const sshd = await startSshd();
const work = mkdtempSync(join(tmpdir(), 'patchbot-bench-'));
const playbooks = writeFixturePlaybook(mkdtempSync(join(work, 'pb-')), FIXTURE);
const cluster = has('initdb') || spawnSync('sh', ['-c', 'ls /usr/lib/postgresql/*/bin/initdb']).status === 0 ? await startCluster() : null;
const rows: Row[] = [];

const freshDatabase = async (name: string) => {
  const client = new pg.Client({ connectionString: cluster!.url });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  return cluster!.url.replace(/\/[^/]*$/, `/${name}`);
};

try {
  for (const hosts of SIZES) {
    const inventory = Array.from({ length: hosts }, (_, i) => `    - { name: bench-${String(i).padStart(4, '0')}, address: ${sshd.host}, port: ${sshd.port}, user: ${sshd.user}, os: debian }`);
    const engines: Array<[string, string]> = [['PGlite (in process)', `pglite://${mkdtempSync(join(work, 'pglite-'))}`]];
    if (cluster) engines.push(['PostgreSQL server', await freshDatabase(`bench_${hosts}`)]);
    const baseline = node('ssh2-baseline.ts', JSON.stringify({ hosts, concurrency: CONCURRENCY, port: sshd.port, user: sshd.user, keyPath: sshd.clientKeyPath, command: `cat ${FIXTURE}` }));
    for (const [engine, url] of engines) {
      const config = join(work, `bench-${hosts}-${rows.length}.yaml`);
      writeFileSync(config, [
        `store: { url: '${url}' }`,
        'log: { level: error }',
        'schedules: { discovery: null }',
        `playbooks: { dir: ${playbooks} }`,
        `execution: { concurrency: ${CONCURRENCY}, ssh: { privateKeyPath: ${sshd.clientKeyPath}, knownHostsPath: ${sshd.knownHostsPath} } }`,
        'inventory:',
        '  groups: []',
        '  hosts:',
        ...inventory,
      ].join('\n'));
      const patchbot = node('patchbot-scan.ts', config);
      rows.push({ hosts, engine, patchbot, baseline });
      process.stderr.write(`${hosts} hosts, ${engine}: patchbot ${patchbot.hostsPerSecond.toFixed(1)}/s, ssh2 loop ${baseline.hostsPerSecond.toFixed(1)}/s\n`);
    }
    const hostLines = Array.from({ length: hosts }, () => `${sshd.user}@${sshd.host}:${sshd.port}`);
    const sshOptions = ['-o', `UserKnownHostsFile=${sshd.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes', '-o', `IdentityFile=${sshd.clientKeyPath}`, '-o', 'BatchMode=yes'];
    if (has('parallel-ssh')) {
      const file = join(work, `pssh-${hosts}`);
      writeFileSync(file, `${hostLines.join('\n')}\n`);
      const run = timed('parallel-ssh', ['-h', file, '-p', String(CONCURRENCY), '-t', '120', ...sshOptions.flatMap((o, i) => (i % 2 ? ['-O', o] : [])), `cat ${FIXTURE} > /dev/null`]);
      rows.at(-1)!.pssh = { hostsPerSecond: hosts / run.seconds, ok: run.status === 0 };
    }
    if (has('ansible')) {
      const file = join(work, `ansible-${hosts}.ini`);
      writeFileSync(file, `${Array.from({ length: hosts }, (_, i) => `b${i} ansible_host=${sshd.host} ansible_port=${sshd.port} ansible_user=${sshd.user} ansible_ssh_private_key_file=${sshd.clientKeyPath}`).join('\n')}\n`);
      const run = timed('ansible', ['all', '-i', file, '-m', 'raw', '-a', `cat ${FIXTURE}`, '-f', String(CONCURRENCY), '-o'], {
        ANSIBLE_SSH_ARGS: `-o UserKnownHostsFile=${sshd.knownHostsPath} -o StrictHostKeyChecking=yes -o ControlMaster=no`,
        ANSIBLE_HOST_KEY_CHECKING: 'True',
        ANSIBLE_NOCOLOR: '1',
      });
      rows.at(-1)!.ansible = { hostsPerSecond: hosts / run.seconds, ok: run.status === 0 };
    }
  }
  writeResults(join(ROOT, 'bench', 'RESULTS.md'), rows, { concurrency: CONCURRENCY, fixture: 'test/fixtures/scans/debian12-scan.txt' });
} finally {
  await sshd.stop();
  cluster?.stop();
}

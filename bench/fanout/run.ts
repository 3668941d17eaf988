/**
 * bench/fanout — how fast patchbot scans N hosts, against baselines measured in the same run.
 *
 * Every host is the loopback sshd (a real OpenSSH, started here), and the scan command prints a
 * captured apt scan, so orchestration — SSH, parsing, storing findings — is what is measured.
 * Baselines: a bare ssh2 loop (connect, exec, close; no parsing, no store), and parallel-ssh and
 * `ansible -m raw` when installed (Debian packages pssh, ansible).
 * Each size runs in rounds (loop, then every store, alternately), so that a change in the machine's
 * load hits both sides of a round; the results show the median round and the spread.
 * Usage: npm run bench:fanout [-- 200,1000] [--rounds 3] [--no-tools]   → bench/RESULTS.md
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { startCluster } from '../../test/support/postgres-cluster.ts';
import { startSshd } from '../../test/support/sshd.ts';
import { writeFixturePlaybook } from './fixture-playbook.ts';
import { writeScaleSection } from '../scale/results.ts';
import { type Measured, writeResults, type Row } from './results.ts';

const execFileAsync = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'scans', 'debian12-scan.txt');
const { values: options, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '3' }, 'no-tools': { type: 'boolean', default: false } } });
const SIZES = (positionals[0] ?? '200,1000').split(',').map(Number);
const ROUNDS = Number(options.rounds);
if (!SIZES.every((n) => Number.isInteger(n) && n > 0) || !(Number.isInteger(ROUNDS) && ROUNDS > 0)) {
  process.stderr.write('usage: npm run bench:fanout [-- 200,1000] [--rounds N] [--no-tools]\n');
  process.exit(2);
}
const CONCURRENCY = 50;

const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const statOf = (pid: number): string[] | null => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  } catch {
    return null; // exited meanwhile: its time is in its parent's now
  }
};
/** CPU milliseconds of a process and its reaped children (utime, stime, cutime, cstime). */
const cpuOf = (pid: number): number => {
  const fields = statOf(pid);
  return fields ? ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1000) / CLK_TCK : 0;
};
/** Also its live children (a server's backends): a child's time moves into cutime when it is reaped. */
const treeCpuOf = (pid: number): number => {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // No children file: count reaped children only.
  }
  return children.reduce((sum, child) => sum + cpuOf(child), cpuOf(pid));
};
const now = () => performance.timeOrigin + performance.now();
/** Linear interpolation in [time, value] samples. */
const at = (samples: Array<[number, number]>, time: number): number => {
  const after = samples.findIndex(([t]) => t >= time);
  if (after <= 0) return samples[Math.max(after, 0)]![1];
  const [t0, v0] = samples[after - 1]!;
  const [t1, v1] = samples[after]!;
  return v0 + ((v1 - v0) * (time - t0)) / (t1 - t0 || 1);
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one measured side as its own process. Besides its own numbers, what sshd (with the
 * commands it ran) and the PostgreSQL server spent on it: every side shares the same cores, so
 * CPU time per host is what decides hosts/s once they are busy. The server is sampled as it
 * goes and cut to the scan's window (the measured process reports it): creating the schema at
 * start-up is not part of what a host costs. sshd does nothing outside the window.
 */
const node = async (script: string, arg: string, hosts: number, postmaster: number | null): Promise<Measured> => {
  const sshdBefore = cpuOf(sshd.pid);
  const server: Array<[number, number]> = [];
  const sample = () => postmaster !== null && server.push([now(), treeCpuOf(postmaster)]);
  sample();
  const sampler = setInterval(sample, 25);
  const { stdout } = await execFileAsync(process.execPath, ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, script), arg], {
    encoding: 'utf8',
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  clearInterval(sampler);
  sample();
  // Connections end with the process; their sshd processes exit just after.
  await pause(500);
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Measured & { window?: [number, number] };
  const [from, to] = result.window ?? [server[0]?.[0] ?? 0, server.at(-1)?.[0] ?? 0];
  const db = postmaster === null ? 0 : at(server, to) - at(server, from);
  result.cpu = { client: result.cpuMs! / hosts, sshd: (cpuOf(sshd.pid) - sshdBefore) / hosts, db: db / hosts };
  return result;
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

/** The server's postmaster: its CPU time includes every backend that has exited. */
const postmasterOf = async (url: string): Promise<number> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ data_directory: string }>('show data_directory');
  await client.end();
  return Number(readFileSync(join(rows[0]!.data_directory, 'postmaster.pid'), 'utf8').split('\n')[0]);
};
const postmaster = cluster ? await postmasterOf(cluster.url) : null;

const freshDatabase = async (name: string) => {
  const client = new pg.Client({ connectionString: cluster!.url });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  return cluster!.url.replace(/\/[^/]*$/, `/${name}`);
};

try {
  for (const hosts of SIZES) {
    const inventory = Array.from(
      { length: hosts },
      (_, i) => `    - { name: bench-${String(i).padStart(4, '0')}, address: ${sshd.host}, port: ${sshd.port}, user: ${sshd.user}, os: debian }`,
    );
    const engines = ['PGlite (embedded)', ...(cluster ? ['PostgreSQL server'] : [])];
    const sized = engines.map((engine): Row => ({ hosts, engine, rounds: [] }));
    rows.push(...sized);
    for (let round = 1; round <= ROUNDS; round++) {
      const baseline = await node(
        'ssh2-baseline.ts',
        JSON.stringify({ hosts, concurrency: CONCURRENCY, port: sshd.port, user: sshd.user, keyPath: sshd.clientKeyPath, command: `cat ${FIXTURE}` }),
        hosts,
        null,
      );
      for (const row of sized) {
        // Every round scans into an empty store, as a first scan of the estate does.
        const onServer = !row.engine.startsWith('PGlite');
        const url = onServer ? await freshDatabase(`bench_${hosts}_${round}`) : `pglite://${mkdtempSync(join(work, 'pglite-'))}`;
        const patchbot = await scanOnce(hosts, inventory, url, onServer ? postmaster : null);
        row.rounds.push({ patchbot, baseline });
        process.stderr.write(`${hosts} hosts, round ${round}, ${row.engine}: patchbot ${patchbot.hostsPerSecond.toFixed(1)}/s, ssh2 loop ${baseline.hostsPerSecond.toFixed(1)}/s\n`);
      }
    }
    if (!options['no-tools']) await runTools(hosts, sized.at(-1)!);
  }
  writeResults(join(ROOT, 'bench', 'RESULTS.md'), rows, { concurrency: CONCURRENCY, fixture: 'test/fixtures/scans/debian12-scan.txt', rounds: ROUNDS });
  // The file is rewritten whole: put back the scale section from its own results files.
  writeScaleSection(join(ROOT, 'bench', 'RESULTS.md'), join(ROOT, 'bench', 'scale'));
} finally {
  await sshd.stop();
  cluster?.stop();
}

/** One `patchbot scan` of every host into the store at `url`. */
async function scanOnce(hosts: number, inventory: string[], url: string, server: number | null): Promise<Measured> {
  const config = join(work, `bench-${hosts}-${Date.now()}.yaml`);
  writeFileSync(
    config,
    [
      `store: { url: '${url}' }`,
      'log: { level: error }',
      'schedules: { discovery: null }',
      `playbooks: { dir: ${playbooks} }`,
      `execution: { concurrency: ${CONCURRENCY}, ssh: { privateKeyPath: ${sshd.clientKeyPath}, knownHostsPath: ${sshd.knownHostsPath} } }`,
      'inventory:',
      '  groups: []',
      '  hosts:',
      ...inventory,
    ].join('\n'),
  );
  return node('patchbot-scan.ts', config, hosts, server);
}

/** parallel-ssh and `ansible -m raw` once per size (they are far slower), when installed. */
async function runTools(hosts: number, row: Row): Promise<void> {
  const hostLines = Array.from({ length: hosts }, () => `${sshd.user}@${sshd.host}:${sshd.port}`);
  const sshOptions = ['-o', `UserKnownHostsFile=${sshd.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes', '-o', `IdentityFile=${sshd.clientKeyPath}`, '-o', 'BatchMode=yes'];
  if (has('parallel-ssh')) {
    const file = join(work, `pssh-${hosts}`);
    writeFileSync(file, `${hostLines.join('\n')}\n`);
    const run = timed('parallel-ssh', ['-h', file, '-p', String(CONCURRENCY), '-t', '120', ...sshOptions.flatMap((o, i) => (i % 2 ? ['-O', o] : [])), `cat ${FIXTURE} > /dev/null`]);
    row.pssh = { hostsPerSecond: hosts / run.seconds, ok: run.status === 0 };
  }
  if (has('ansible')) {
    const file = join(work, `ansible-${hosts}.ini`);
    writeFileSync(
      file,
      `${Array.from({ length: hosts }, (_, i) => `b${i} ansible_host=${sshd.host} ansible_port=${sshd.port} ansible_user=${sshd.user} ansible_ssh_private_key_file=${sshd.clientKeyPath}`).join('\n')}\n`,
    );
    const run = timed('ansible', ['all', '-i', file, '-m', 'raw', '-a', `cat ${FIXTURE}`, '-f', String(CONCURRENCY), '-o'], {
      ANSIBLE_SSH_ARGS: `-o UserKnownHostsFile=${sshd.knownHostsPath} -o StrictHostKeyChecking=yes -o ControlMaster=no`,
      ANSIBLE_HOST_KEY_CHECKING: 'True',
      ANSIBLE_NOCOLOR: '1',
    });
    row.ansible = { hostsPerSecond: hosts / run.seconds, ok: run.status === 0 };
  }
}

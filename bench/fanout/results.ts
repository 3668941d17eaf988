import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { footprintSection } from '../footprint/results.ts';
import { cpus, totalmem } from 'node:os';

export interface Measured {
  hostsPerSecond: number;
  peakRss: number;
  retainedHeap?: number;
  failures: number;
  seconds: number;
  /** CPU time of the measured process during the run (patchbot: the scan's window). */
  cpuMs?: number;
  /** CPU milliseconds per host: the measured process, sshd with the commands it ran, the PostgreSQL server. */
  cpu?: { client: number; sshd: number; db: number };
}

/** One round: the ssh2 loop, then patchbot, back to back. */
export interface Round {
  patchbot: Measured;
  baseline: Measured;
}

export interface Row {
  hosts: number;
  engine: string;
  rounds: Round[];
  pssh?: { hostsPerSecond: number; ok: boolean };
  ansible?: { hostsPerSecond: number; ok: boolean };
}

const throughputRatio = (r: Round) => r.patchbot.hostsPerSecond / r.baseline.hostsPerSecond;
const cpuTotal = (m: Measured) => (m.cpu ? m.cpu.client + m.cpu.sshd + m.cpu.db : NaN);
const cpuRatio = (r: Round) => cpuTotal(r.baseline) / cpuTotal(r.patchbot);

/** The round whose throughput ratio is the median: every figure of a table row comes from one round. */
const medianRound = (row: Row): Round => {
  const sorted = [...row.rounds].sort((a, b) => throughputRatio(a) - throughputRatio(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};
const spread = (row: Row, of: (r: Round) => number) => {
  const values = row.rounds.map(of);
  return `${pct(Math.min(...values))}–${pct(Math.max(...values))}`;
};
const pct = (n: number) => `${(n * 100).toFixed(0)} %`;

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;
const rate = (n: number) => n.toFixed(1);
const ratio = (a: number, b: number) => pct(a / b);

/** Writes the table, the ratios to each baseline, and memory growth per host between sizes. */
export const writeResults = (path: string, rows: Row[], meta: { concurrency: number; fixture: string; rounds: number }): void => {
  const lines = [
    '# Benchmarks',
    '',
    '## fanout — scanning N hosts',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, by \`npm run bench:fanout\`.`,
    `Every host is one real OpenSSH sshd on loopback; the scan command prints a captured apt scan (\`${meta.fixture}\`, 135 updates),`,
    `so orchestration is measured: SSH with host-key checks, the job queue, parsing, storing findings. Concurrency ${meta.concurrency} everywhere.`,
    'Baselines run in the same session: a bare ssh2 loop (connect, exec, read, close — no parsing, no store, no host-key check),',
    'parallel-ssh and `ansible -m raw` (Debian packages) running the same command with host keys checked (once per size).',
    `Each size ran ${meta.rounds} round${meta.rounds === 1 ? '' : 's'}: the ssh2 loop, then patchbot on each store, each into an empty store (a first scan).`,
    'A row shows the round with the median patchbot / ssh2 loop ratio; "all rounds" is the range of that ratio.',
    '',
    '| hosts | patchbot store | patchbot hosts/s | ssh2 loop hosts/s | patchbot / ssh2 loop | all rounds | parallel-ssh hosts/s | patchbot / pssh | ansible raw hosts/s | patchbot / ansible | patchbot peak RSS | ssh2 loop peak RSS | failures |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const { patchbot, baseline } = medianRound(row);
    const pssh = row.pssh ? [rate(row.pssh.hostsPerSecond) + (row.pssh.ok ? '' : ' (errors)'), ratio(patchbot.hostsPerSecond, row.pssh.hostsPerSecond)] : ['—', '—'];
    const ansible = row.ansible ? [rate(row.ansible.hostsPerSecond) + (row.ansible.ok ? '' : ' (errors)'), ratio(patchbot.hostsPerSecond, row.ansible.hostsPerSecond)] : ['—', '—'];
    const failures = row.rounds.reduce((sum, r) => sum + r.patchbot.failures, 0);
    const loopFailures = row.rounds.reduce((sum, r) => sum + r.baseline.failures, 0);
    lines.push(
      `| ${row.hosts} | ${row.engine} | ${rate(patchbot.hostsPerSecond)} | ${rate(baseline.hostsPerSecond)} | ${ratio(patchbot.hostsPerSecond, baseline.hostsPerSecond)} | ${spread(row, throughputRatio)} | ${pssh.join(' | ')} | ${ansible.join(' | ')} | ${mib(patchbot.peakRss)} | ${mib(baseline.peakRss)} | ${failures} / ${loopFailures} |`,
    );
  }
  lines.push(
    '',
    '### CPU per host',
    '',
    'Every side runs on the same cores as the sshd that serves all hosts, and they are busy: hosts/s follows the CPU time a host costs, summed over',
    'all processes. The CPU ratio (ssh2 loop total / patchbot total) is what the throughput ratio comes to on an otherwise idle machine; load from',
    'other processes during a run moves the measured ratio, not this one. sshd includes the commands it runs (the shell, `cat`, and for patchbot',
    'the remote `timeout` guard, which execs this plain command itself). PGlite runs inside the patchbot process, in a worker thread.',
    '',
    'Same median round as above; "all rounds" is the range of the CPU ratio.',
    '',
    '| hosts | side | client process ms | sshd + commands ms | PostgreSQL server ms | total ms | ssh2 loop / patchbot (CPU) | all rounds |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
  );
  const ms = (n: number) => n.toFixed(2);
  for (const row of rows) {
    const { patchbot, baseline } = medianRound(row);
    if (!patchbot.cpu || !baseline.cpu) continue;
    if (row === rows.find((r) => r.hosts === row.hosts)) {
      lines.push(`| ${row.hosts} | ssh2 loop | ${ms(baseline.cpu.client)} | ${ms(baseline.cpu.sshd)} | — | ${ms(cpuTotal(baseline))} | | |`);
    }
    lines.push(
      `| ${row.hosts} | patchbot, ${row.engine} | ${ms(patchbot.cpu.client)} | ${ms(patchbot.cpu.sshd)} | ${row.engine.startsWith('PGlite') ? '—' : ms(patchbot.cpu.db)} | ${ms(cpuTotal(patchbot))} | ${ratio(cpuTotal(baseline), cpuTotal(patchbot))} | ${spread(row, cpuRatio)} |`,
    );
  }
  const engines = [...new Set(rows.map((r) => r.engine))];
  lines.push('', '### Memory per host', '');
  for (const engine of engines) {
    const sized = rows.filter((r) => r.engine === engine).sort((a, b) => a.hosts - b.hosts);
    const small = sized[0];
    const large = sized.at(-1);
    if (!small || !large || small === large) continue;
    const span = large.hosts - small.hosts;
    const [smallRound, largeRound] = [medianRound(small), medianRound(large)];
    const perHost = (largeRound.patchbot.peakRss - smallRound.patchbot.peakRss) / span;
    const retained = ((largeRound.patchbot.retainedHeap ?? 0) - (smallRound.patchbot.retainedHeap ?? 0)) / span;
    const baseline = (largeRound.baseline.peakRss - smallRound.baseline.peakRss) / span;
    lines.push(
      `- ${engine}: peak RSS grows ${(perHost / 1024).toFixed(1)} KiB per extra host (the ssh2 loop: ${(baseline / 1024).toFixed(1)} KiB); ` +
        `JS heap retained after the scan and a full GC grows ${(retained / 1024).toFixed(1)} KiB per host (${small.hosts} → ${large.hosts} hosts; each host stores 135 findings).`,
    );
  }
  // The footprint bench's section (bench/footprint) is kept as it was.
  const kept = existsSync(path) ? footprintSection(readFileSync(path, 'utf8')) : '';
  writeFileSync(path, `${lines.join('\n')}\n${kept ? `\n${kept}\n` : ''}`);
};

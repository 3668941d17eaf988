import { labelledRuns, machine, replaceSection } from './results-section.ts';

export interface WritesCase {
  engine: string;
  hosts: number;
  findings: number;
  newPatches: number;
  syncMs: number;
  ingest: { hostsPerSecond: number; plainHostsPerSecond: number; plainIndexedHostsPerSecond: number; rssBefore: number; peakRss: number };
  /** The next day's scan (bench/scale/estate.ts rescanOf) beside the same rows inserted plainly; absent from runs before it was measured. */
  rescan?: { hostsPerSecond: number; plainHostsPerSecond: number; peakRss: number };
  /** The first scan's digest as text (no window choices): what the figures before the posted digest was timed measured. */
  digest: number[];
  /** The digest as the service posts it: window choices, and the cover that picks the approval policy (absent in older runs). */
  digestPosted?: number[];
  /** A click on the digest's Propose rollout, to the proposal (absent in older runs). */
  proposal?: number[];
  plan: number[];
  /** 1-minute load average at the start and the end of the case. */
  load: number[];
}

export interface InventoryLoad {
  file: string;
  phase: string;
  hosts: number;
  ms: number;
}

interface LabelledRun {
  label: string;
  measuredAt: string;
  cases: WritesCase[];
  inventory: InventoryLoad[];
}

const START = '<!-- bench:scale-writes start -->';
const END = '<!-- bench:scale-writes end -->';

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
};
const ms = (n: number) => (Number.isNaN(n) ? '—' : n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(n < 10 ? 1 : 0)} ms`);
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;
const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)} %`;
const name = (c: WritesCase) => `${c.engine} ${c.hosts.toLocaleString('en-US')}`;

const rescanTable = (cases: WritesCase[]): string[] => {
  const measured = cases.filter((c) => c.rescan);
  if (!measured.length) return [];
  return [
    '| case | next-day rescan hosts/s | plain unnest of its rows, bare tables | rescan / plain | peak RSS (rescan) |',
    '|---|---:|---:|---:|---:|',
    ...measured.map(
      ({ rescan: r, ...c }) =>
        `| ${name(c as WritesCase)} | ${r!.hostsPerSecond.toFixed(0)} | ${r!.plainHostsPerSecond.toFixed(0)} | ${pct(r!.hostsPerSecond, r!.plainHostsPerSecond)} | ${mib(r!.peakRss)} |`,
    ),
    '',
  ];
};

const table = (run: LabelledRun): string[] => {
  const lines = [`### ${run.label} (${run.measuredAt.slice(0, 16).replace('T', ' ')} UTC)`, ''];
  if (run.cases.length) {
    lines.push(
      '| case | ingest hosts/s | plain unnest, bare tables | ingest / plain | plain unnest, same indexes | ingest / same indexes | RSS before → peak (ingest) | load (1 min) start → end |',
      '|---|---:|---:|---:|---:|---:|---:|---|',
      ...run.cases.map(
        ({ ingest: i, ...c }) =>
          `| ${name(c as WritesCase)} (${c.findings.toLocaleString('en-US')} findings) | ${i.hostsPerSecond.toFixed(0)} | ${i.plainHostsPerSecond.toFixed(0)} | ${pct(i.hostsPerSecond, i.plainHostsPerSecond)} | ${i.plainIndexedHostsPerSecond.toFixed(0)} | ${pct(i.hostsPerSecond, i.plainIndexedHostsPerSecond)} | ${mib(i.rssBefore)} → ${mib(i.peakRss)} | ${c.load.map((l) => l.toFixed(1)).join(' → ')} |`,
      ),
      '',
      ...rescanTable(run.cases),
      '| case | digest as posted (window choices): p50 / max | digest as text: p50 / max | Propose rollout click: p50 / max | new patches in it | plan a change for every host: p50 / max |',
      '|---|---:|---:|---:|---:|---:|',
      ...run.cases.map(
        (c) =>
          `| ${name(c)} | ${c.digestPosted ? `${ms(quantile(c.digestPosted, 0.5))} / ${ms(Math.max(...c.digestPosted))}` : '—'} | ${ms(quantile(c.digest, 0.5))} / ${ms(Math.max(...c.digest))} | ${c.proposal ? `${ms(quantile(c.proposal, 0.5))} / ${ms(Math.max(...c.proposal))}` : '—'} | ${c.newPatches.toLocaleString('en-US')} | ${ms(quantile(c.plan, 0.5))} / ${ms(Math.max(...c.plan))} |`,
      ),
      '',
    );
  }
  if (run.inventory.length) {
    const phases = [...new Set(run.inventory.map((l) => `${l.file}|${l.phase}`))];
    lines.push('| inventory load (new process each) | hosts | times |', '|---|---:|---:|');
    for (const key of phases) {
      const [file, phase] = key.split('|');
      const of = run.inventory.filter((l) => l.file === file && l.phase === phase);
      lines.push(`| ${file}: ${phase} | ${of[0]!.hosts.toLocaleString('en-US')} | ${of.map((l) => ms(l.ms)).join(', ')} |`);
    }
    lines.push('');
  }
  return lines;
};

/** Rewrites the writes section of RESULTS.md (between its markers) from every writes-<label>.json beside the bench. */
export const writeWritesSection = (resultsPath: string, dir: string): void => {
  const runs = labelledRuns<LabelledRun>(dir, 'writes');
  replaceSection(resultsPath, START, END, [
    '## scale — writing and loading at 10,000 and 100,000 hosts',
    '',
    `Measured on ${machine()}, by \`npm run bench:scale:writes\` (bench/scale/writes-*.ts). The machine was shared`,
    'with other engineers working at the same time: the load averages say how busy it was (2 cores; a load of 20 means each process had a tenth of a core).',
    'Ingest is the first scan of the estate of the section above through the ScanWriter (128 host jobs in flight, batches of up to 64 hosts), beside',
    "the same rows through one plain `unnest` insert per 64 hosts: into bare tables (primary keys only; issue #20's baseline), and into copies with",
    "the real tables' indexes (what the answers read through). The digest is that first scan's (it discovered every catalog patch): as posted, with",
    'the window choices of two windows and the default approval policies (the cover of the affected hosts decides production), and as text; the plan targets',
    'a selector group of every host. Each of those ran once unmeasured, then timed. The next-day rescan is a second scan of every host after the first,',
    'in which 10 % of hosts installed five patches (bench/scale/estate.ts `rescanOf`), beside the same rows inserted plainly into bare tables.',
    '',
    ...runs.flatMap(table),
  ]);
};

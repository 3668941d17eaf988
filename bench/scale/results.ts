import { labelledRuns, machine, replaceSection } from './results-section.ts';

export interface CaseResult {
  engine: string;
  hosts: number;
  findings: number;
  syncMs: number;
  ingest: { hostsPerSecond: number; plainHostsPerSecond: number; peakRss: number };
  peakRss: number;
  /** 1-minute load average at the start and the end of the case. */
  load: number[];
  results: { name: string; patchbot: number[]; sql: number[] }[];
}

interface LabelledRun {
  label: string;
  measuredAt: string;
  cases: CaseResult[];
}

const START = '<!-- bench:scale start -->';
const END = '<!-- bench:scale end -->';

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
};
const ms = (n: number) => (Number.isNaN(n) ? '—' : n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(n < 10 ? 1 : 0)} ms`);
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;

const table = (run: LabelledRun): string[] => {
  const lines = [
    `### ${run.label} (${run.measuredAt.slice(0, 16).replace('T', ' ')} UTC)`,
    '',
    `| case | ingest hosts/s | plain unnest hosts/s | ingest / plain | peak RSS (ingest) | load (1 min) start → end |`,
    '|---|---:|---:|---:|---:|---|',
    ...run.cases.map(
      (c) =>
        `| ${c.engine} ${c.hosts.toLocaleString('en-US')} (${c.findings.toLocaleString('en-US')} findings) | ${c.ingest.hostsPerSecond.toFixed(0)} | ${c.ingest.plainHostsPerSecond.toFixed(0)} | ${((c.ingest.hostsPerSecond / c.ingest.plainHostsPerSecond) * 100).toFixed(0)} % | ${mib(c.ingest.peakRss)} | ${c.load.map((l) => l.toFixed(1)).join(' → ')} |`,
    ),
    '',
    `| question | ${run.cases.map((c) => `${c.engine} ${c.hosts / 1000}k p50 / p95`).join(' | ')} | ${run.cases.map((c) => `hand-written ${c.engine} ${c.hosts / 1000}k p50`).join(' | ')} |`,
    `|---|${run.cases.map(() => '---:').join('|')}|${run.cases.map(() => '---:').join('|')}|`,
  ];
  const names = run.cases[0]?.results.map((r) => r.name) ?? [];
  for (const name of names) {
    const of = run.cases.map((c) => c.results.find((r) => r.name === name));
    const p = of.map((r) => (r ? `${ms(quantile(r.patchbot, 0.5))} / ${ms(quantile(r.patchbot, 0.95))}` : '—'));
    const s = of.map((r) => (r && r.sql.length ? ms(quantile(r.sql, 0.5)) : '—'));
    lines.push(`| ${name} | ${p.join(' | ')} | ${s.join(' | ')} |`);
  }
  const runs = (c: CaseResult) => [...new Set(c.results.map((r) => r.patchbot.length))].sort((a, b) => b - a).join(' or ');
  lines.push(
    '',
    `Timed runs per question after one warm-up: ${run.cases.map((c) => `${c.engine} ${c.hosts / 1000}k ${runs(c)}`).join(', ')} (2 where the warm-up took over 5 s); with 5 runs p95 is the slowest.`,
    '',
  );
  return lines;
};

/** Rewrites the scale section of RESULTS.md (between its markers) from every results-<label>.json beside the bench. */
export const writeScaleSection = (resultsPath: string, dir: string): void => {
  const runs = labelledRuns<LabelledRun>(dir, 'results');
  replaceSection(resultsPath, START, END, [
    '## scale — every answer at 10,000 and 100,000 hosts',
    '',
    `Measured on ${machine()}, by \`npm run bench:scale\` (bench/scale). The machine was shared`,
    'with other engineers working at the same time: the load averages below say how busy it was; re-run it idle before quoting a figure.',
    "The estate is written through patchbot's own paths (hosts.sync / groups.sync, the ScanWriter): ~50 missing patches per host from a",
    'catalog of 3,000, 5 % of hosts needing a reboot, 1 % unreachable; groups of 2,000 hosts plus one selector group of every host.',
    'Each question is timed as patchbot answers it (the chat card and its data) beside one hand-written SQL statement for the same facts',
    '(bench/scale/questions.ts; it reads only the original tables, so it is the same statement before and after), interleaved in one run.',
    'The plain insert is the same rows through one `unnest` insert per 64 hosts into bare tables.',
    '',
    ...runs.flatMap(table),
  ]);
};

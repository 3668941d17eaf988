import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface StoreRow {
  engine: 'pglite' | 'postgres';
  firstStartMs: number;
  restartMs: number;
  idleRss: number;
  restartRss: number;
  bareOpenMs: number;
  bareRss: number;
}

export interface Footprint {
  rounds: number;
  node: string;
  help: { ms: number; baseMs: number };
  configCheck: { ms: number; baseMs: number };
  ask: { ms: number; baseMs: number };
  stores: StoreRow[];
  /** os.loadavg() (1, 5, 15 min) when the run started and ended: the machine is shared. */
  load: { start: number[]; end: number[] };
}

// The fan-out bench rewrites RESULTS.md whole; it keeps the text between these markers.
export const START = '<!-- footprint:start -->';
export const END = '<!-- footprint:end -->';

/** The footprint section of an existing RESULTS.md, markers included ('' without one). */
export const footprintSection = (text: string): string => {
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  return from >= 0 && to > from ? text.slice(from, to + END.length) : '';
};

const ms = (value: number) => `${Math.round(value)} ms`;
const ratio = ({ ms: a, baseMs: b }: { ms: number; baseMs: number }) => `${(a / b).toFixed(1)}×`;

export const writeFootprint = (path: string, f: Footprint): void => {
  const name = { pglite: 'PGlite (embedded)', postgres: 'PostgreSQL server' } as const;
  const section = [
    START,
    '## footprint — start times and idle memory',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on 2 cores, 24 GiB, Node ${f.node}, by \`node --import tsx bench/footprint/run.ts\`, running the compiled dist/.`,
    `The machine was shared with other engineers' test runs while this ran (load average ${f.load.start.map((l) => l.toFixed(1)).join(' / ')} at the start, ${f.load.end.map((l) => l.toFixed(1)).join(' / ')} at the end, 1 / 5 / 15 min, on 2 cores): absolute times are inflated; each ratio pairs runs made back to back.`,
    `Times are the median of ${f.rounds} runs, each paired with a bare \`node -e 0\` run just before it.`,
    '',
    '| command | patchbot | `node -e 0` | ratio | target |',
    '|---|---:|---:|---:|---:|',
    `| \`patchbot --help\` | ${ms(f.help.ms)} | ${ms(f.help.baseMs)} | ${ratio(f.help)} | ≤ 3× |`,
    `| \`patchbot config check\` | ${ms(f.configCheck.ms)} | ${ms(f.configCheck.baseMs)} | ${ratio(f.configCheck)} | — |`,
    `| \`patchbot ask pending\` (sent to a running service, PGlite) | ${ms(f.ask.ms)} | ${ms(f.ask.baseMs)} | ${ratio(f.ask)} | ≤ 4× |`,
    '',
    'The service: first start on a fresh data directory until /readyz answers 200, idle RSS 5 s after its first scan of this machine,',
    'restart until ready and its idle RSS; beside a plain script that only opens the store (a bare PGlite on a fresh directory, a bare `pg` client) and its RSS.',
    'A fresh PGlite data directory is created from the files `npm run build` dumped (dist/pglite-datadir.tar.gz), in a child process; the bare PGlite runs initdb.',
    '',
    '| store | first start | restart | idle RSS after first scan | idle RSS after restart | bare open | bare RSS | RSS target |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...f.stores.map(
      (s) =>
        `| ${name[s.engine]} | ${ms(s.firstStartMs)} | ${ms(s.restartMs)} | ${Math.round(s.idleRss)} MiB | ${Math.round(s.restartRss)} MiB | ${ms(s.bareOpenMs)} | ${Math.round(s.bareRss)} MiB | ${s.engine === 'pglite' ? '≤ 250' : '≤ 150'} MiB |`,
    ),
    END,
  ].join('\n');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const old = footprintSection(text);
  writeFileSync(path, old ? text.replace(old, section) : `${text.trimEnd()}\n\n${section}\n`);
};

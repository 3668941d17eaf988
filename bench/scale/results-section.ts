import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** Every `<prefix>-<label>.json` a bench run left in `dir`, oldest first: their tables sit side by side. */
export const labelledRuns = <Run extends { measuredAt: string }>(dir: string, prefix: string): Run[] =>
  readdirSync(dir)
    .filter((f) => new RegExp(`^${prefix}-[\\w-]+\\.json$`).test(f))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Run)
    .sort((a, b) => a.measuredAt.localeCompare(b.measuredAt));

/** "2 cores, 24 GiB, Node v20…": the machine line every section opens with. */
export const machine = (): string => `${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;

/** Replaces the lines between `start` and `end` in RESULTS.md with `lines` (markers included), or appends them once. */
export const replaceSection = (resultsPath: string, start: string, end: string, lines: string[]): void => {
  const section = [start, ...lines, end].join('\n');
  const current = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '# Benchmarks\n';
  const at = current.indexOf(start);
  const to = current.indexOf(end);
  const next = at >= 0 && to > at ? current.slice(0, at) + section + current.slice(to + end.length) : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(resultsPath, next);
};

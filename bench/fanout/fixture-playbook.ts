import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A scan-debian variant whose command prints a captured apt scan (135 updates, real output of a
 * Debian 12 host), so the benchmark measures orchestration — connect, run, parse, store — not apt.
 */
export const writeFixturePlaybook = (dir: string, fixture: string): string => {
  const text = readFileSync(join(import.meta.dirname, '..', '..', 'playbooks', 'scan-debian.yaml'), 'utf8');
  const stepsAt = text.indexOf('\nsteps:');
  const head = text.slice(0, stepsAt);
  const steps = ['steps:', '  - name: scan', `    run: cat ${fixture}`, '    timeout: 1m', ''].join('\n');
  writeFileSync(join(dir, 'scan-debian.yaml'), `${head}\n${steps}`);
  return dir;
};

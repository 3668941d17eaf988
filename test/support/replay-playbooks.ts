import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SHIPPED = join(import.meta.dirname, '..', '..', 'playbooks');
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'scans', 'debian12-scan.txt');

/**
 * A playbook folder for chat tests: a scan-debian that prints a captured Debian 12 scan (135
 * upgrades) instead of asking this machine's apt — the scan still runs as a job through the
 * runtime, the local executor, the apt parser and the scan.finished hook, but what it finds does
 * not depend on the test machine — beside the shipped apply and rollback playbooks for Debian, which
 * a proposal needs (a change whose hosts have no apply playbook is refused when proposed).
 */
export const writeReplayPlaybooks = (dir: string): string => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'scan-debian.yaml'),
    `name: scan-debian\ndescription: Replays a captured Debian 12 scan (test fixture)\nos: [debian, ubuntu]\nparser: apt\nsteps:\n  - name: replay captured scan\n    run: cat '${FIXTURE}'\n`,
  );
  for (const shipped of ['apply-debian-packages.yaml', 'rollback-debian.yaml']) copyFileSync(join(SHIPPED, shipped), join(dir, shipped));
  return dir;
};

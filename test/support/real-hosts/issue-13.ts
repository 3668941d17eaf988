import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Some real-host tests prove issue #13's playbook work (packages kept for rollback in
 * /var/lib/patchbot/<change>/, installs pinned to the approved version, "approved X, the host's
 * repositories now offer Y"). Until those playbooks are on this branch the tests are skipped, with
 * this reason printed; they run by themselves once the shipped apply playbooks keep packages.
 * (Run against issue #13's branch, they passed: see the commit that added this file.)
 */
export const waitingForIssue13 = (): string | null => {
  const apply = readFileSync(join(import.meta.dirname, '..', '..', '..', 'playbooks', 'apply-debian-packages.yaml'), 'utf8');
  if (apply.includes('/var/lib/patchbot/')) return null;
  const reason = "the shipped apply playbooks do not keep packages for rollback or pin approved versions yet (issue #13's playbooks)";
  console.warn(`[skip] ${reason}`);
  return reason;
};

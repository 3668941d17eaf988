import { join } from 'node:path';
import { createSshExecutor } from '../../../adapters/ssh/ssh-executor.ts';
import { getPlaybook, rollbackFor } from '../../../src/playbooks/catalog.ts';
import { loadPlaybooks } from '../../../src/playbooks/load-playbooks.ts';
import type { ParamValues } from '../../../src/playbooks/render.ts';
import { type PlaybookRun, runPlaybook } from '../../../src/playbooks/run-playbook.ts';
import { realClock, SCAN_OUTPUT_BYTES } from '../../../src/playbooks/run-types.ts';
import { createLogger } from '../../../src/shared/logger.ts';
import type { ChrootHost } from './chroot-host.ts';

/** The shipped playbooks run by patchbot's own runner and SSH executor against one real host, dryRun off. */
export async function hostRunner(host: ChrootHost) {
  const executor = createSshExecutor({ privateKeyPath: host.sshd.clientKeyPath, knownHostsPath: host.sshd.knownHostsPath });
  const catalog = await loadPlaybooks(join(import.meta.dirname, '..', '..', '..', 'playbooks'));
  const log = createLogger({ level: 'silent' });
  const run = (name: string, params: ParamValues = {}, rollback = false): Promise<PlaybookRun> => {
    const shipped = getPlaybook(catalog, name);
    const playbook = rollback ? rollbackFor(catalog, shipped) : shipped;
    return runPlaybook({
      executor,
      host: host.host(),
      playbook,
      params,
      dryRun: false,
      log,
      clock: realClock,
      retryDelayMs: () => 0,
      ...(name.startsWith('scan-') ? { maxOutputBytes: SCAN_OUTPUT_BYTES } : {}),
    });
  };
  return { executor, run, close: () => executor.close() };
}

/** A run's steps, for an assertion message. */
export const explain = (run: PlaybookRun): string =>
  JSON.stringify(
    [...run.steps, ...run.smoke].map((s) => ({ name: s.name, ok: s.ok, exit: s.exitCode, error: s.error, out: s.stdoutTail.slice(-600), err: s.stderrTail.slice(-600) })),
    null,
    1,
  );

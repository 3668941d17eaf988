import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createSshExecutor } from '../../adapters/ssh/ssh-executor.ts';
import { parseAptScan } from '../../src/discovery/parsers/apt.ts';
import { getPlaybook } from '../../src/playbooks/catalog.ts';
import { loadPlaybooks } from '../../src/playbooks/load-playbooks.ts';
import type { ParamValues } from '../../src/playbooks/render.ts';
import { type PlaybookRun, runPlaybook } from '../../src/playbooks/run-playbook.ts';
import { scanStdout } from '../../src/playbooks/run-scan.ts';
import { realClock, SCAN_OUTPUT_BYTES } from '../../src/playbooks/run-types.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { Fleet } from '../support/fleet/index.ts';

/**
 * The shipped playbooks, run by patchbot's own runner and SSH executor against a fleet, for real
 * (dryRun: false). The clock sleeps a tenth of what the reboot step asks, so its reconnect
 * backoff (5 s, 10 s, …) takes 0.5 s, 1 s, … here.
 */
export async function fleetRunner(fleet: Fleet) {
  const executor = createSshExecutor({ privateKeyPath: fleet.clientKeyPath, knownHostsPath: fleet.knownHostsPath });
  const catalog = await loadPlaybooks(join(import.meta.dirname, '..', '..', 'playbooks'));
  const log = createLogger({ level: 'silent' });
  const clock = { now: () => realClock.now(), sleep: (ms: number) => realClock.sleep(ms / 10) };
  const run = (host: string, playbook: string, params: ParamValues = {}): Promise<PlaybookRun> =>
    runPlaybook({
      executor,
      host: fleet.host(host),
      playbook: getPlaybook(catalog, playbook),
      params,
      dryRun: false,
      log,
      clock,
      retryDelayMs: () => 0,
      ...(playbook.startsWith('scan-') ? { maxOutputBytes: SCAN_OUTPUT_BYTES } : {}),
    });
  const scan = async (host: string) => {
    const result = await run(host, 'scan-debian');
    expect(result.ok, explain(result)).toBe(true);
    return parseAptScan(host, scanStdout(result));
  };
  const missing = async (host: string) => (await scan(host)).patches.map((p) => p.id).sort();
  return { executor, catalog, run, scan, missing, close: () => executor.close() };
}

/** A failed run's steps, for the assertion message. */
export const explain = (run: PlaybookRun): string =>
  JSON.stringify(
    [...run.steps, ...run.smoke].map((s) => ({ name: s.name, ok: s.ok, exit: s.exitCode, error: s.error, out: s.stdoutTail.slice(-400), err: s.stderrTail.slice(-400) })),
    null,
    1,
  );

/** What the fleet must never change on this machine. */
export const realMachine = (changePrefix: string) => {
  const sha = (path: string) => (existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : null);
  return {
    dpkgStatus: sha('/var/lib/dpkg/status'),
    rebootRequired: existsSync('/var/run/reboot-required'),
    bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
    /** Other test files write their own /var/tmp/patchbot-* records; these tests' ids carry changePrefix. */
    ourRecords: existsSync('/var/tmp') ? readdirSync('/var/tmp').filter((f) => f.startsWith('patchbot-') && f.includes(changePrefix)) : [],
    /** The apply playbooks' record directories: each host's own, never this machine's. */
    patchbotLib: existsSync('/var/lib/patchbot') ? readdirSync('/var/lib/patchbot').filter((f) => f.includes(changePrefix)) : [],
  };
};

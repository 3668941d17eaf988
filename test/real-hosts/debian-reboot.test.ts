import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshExecutor } from '../../adapters/ssh/ssh-executor.ts';
import { getPlaybook } from '../../src/playbooks/catalog.ts';
import { loadPlaybooks } from '../../src/playbooks/load-playbooks.ts';
import type { Playbook } from '../../src/playbooks/playbook.ts';
import { runPlaybook } from '../../src/playbooks/run-playbook.ts';
import { realClock } from '../../src/playbooks/run-types.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { type ChrootHost, realHostSkipReason, startChrootHost } from '../support/real-hosts/chroot-host.ts';
import { sshdSkipReason } from '../support/sshd.ts';
import { until } from '../support/until.ts';

/**
 * The reboot step against the real Debian host. A real reboot cannot happen here: the host is a
 * chroot on this machine, so rebooting it would reboot the machine running the tests (the image
 * has no reboot, shutdown or systemctl at all; the test checks that before anything runs). What
 * is real: the shipped `reboot` playbook, patchbot's runner and SSH executor, the host's shell
 * running the reboot step's own commands, and its boot id file, /proc/sys/kernel/random/boot_id
 * (a plain file in the chroot, since its /proc is not mounted). The one stand-in is `reboot`
 * itself, which only records that it was asked; the TEST then changes the boot id, as a real
 * boot would, and the step must see the change through a new SSH connection.
 */
const skip = sshdSkipReason() ?? realHostSkipReason('debian-bookworm');
const BOOT_ID = 'proc/sys/kernel/random/boot_id';

describe.skipIf(skip !== null)('the reboot step on a real Debian host whose boot id the test changes', () => {
  let host: ChrootHost;
  let executor: ReturnType<typeof createSshExecutor>;
  let reboot: Playbook;
  beforeAll(async () => {
    host = await startChrootHost('debian-bookworm', 'deb-boot', 'debian');
    expect(host.try('command -v reboot shutdown systemctl').stdout).toBe('');
    mkdirSync(dirname(host.file(BOOT_ID)), { recursive: true });
    writeFileSync(host.file(BOOT_ID), `${randomUUID()}\n`);
    writeFileSync(host.file('usr/local/sbin/reboot'), '#!/bin/sh\n# Stand-in: a real reboot would take down the machine the test runs on.\ndate -u +%s >> /var/tmp/reboot-requested\n', {
      mode: 0o755,
    });
    executor = createSshExecutor({ privateKeyPath: host.sshd.clientKeyPath, knownHostsPath: host.sshd.knownHostsPath });
    const catalog = await loadPlaybooks(join(import.meta.dirname, '..', '..', 'playbooks'));
    // The shipped playbook with a 10 s step timeout instead of 30 minutes, for the failing case.
    const shipped = getPlaybook(catalog, 'reboot');
    reboot = { ...shipped, steps: shipped.steps.map((s) => ({ ...s, timeoutMs: 10_000 })) };
  }, 300_000);
  afterAll(async () => {
    await executor?.close();
    await host?.stop();
  });

  // Backoff waits of 5 s, 10 s… pass ten times faster; the deadline stays in real time.
  const clock = { now: realClock.now, sleep: (ms: number) => realClock.sleep(ms / 10) };
  const run = () => runPlaybook({ executor, host: host.host(), playbook: reboot, params: {}, dryRun: false, log: createLogger({ level: 'silent' }), clock, retryDelayMs: () => 0 });

  it('succeeds once the host answers with a new boot id, and reports both ids', async () => {
    const before = host.sh(`cat /${BOOT_ID}`).trim();
    const running = run();
    await until('the reboot request', async () => existsSync(host.file('var/tmp/reboot-requested')), 30_000);
    const after = randomUUID();
    writeFileSync(host.file(BOOT_ID), `${after}\n`);
    const result = await running;
    expect(result.ok, JSON.stringify(result.steps)).toBe(true);
    expect(result.rebooted).toBe(true);
    expect(result.bootIds).toEqual({ before, after });
  }, 60_000);

  it('fails when the host keeps answering with the same boot id: it did not reboot', async () => {
    const same = host.sh(`cat /${BOOT_ID}`).trim();
    const result = await run();
    expect(result.ok).toBe(false);
    expect(result.rebooted).toBe(false);
    expect(result.steps[0]!.error).toBe(`boot id unchanged after 10s (${same}): the host did not reboot`);
    expect(host.sh('wc -l < /var/tmp/reboot-requested').trim()).toBe('2');
  }, 60_000);
});

if (skip) console.warn(`[skip] real Debian reboot tests: ${skip}`);

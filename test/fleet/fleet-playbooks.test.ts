import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPlaybook, rollbackFor } from '../../src/playbooks/catalog.ts';
import { type Fleet, startFleet } from '../support/fleet/index.ts';
import { sshdSkipReason } from '../support/sshd.ts';
import { expectedMissing, FLEET_HOSTS, NEW_SSL, specOf } from './fleet-hosts.ts';
import { explain, fleetRunner, realMachine } from './fleet-runner.ts';

/**
 * The shipped Debian playbooks, run for real by patchbot's runner over SSH against simulated
 * hosts: apply changes exactly the named packages on exactly that host, a rescan sees it, the
 * rollback restores the record, a broken unit fails the smoke check, and a reboot is a reboot.
 */
const skip = sshdSkipReason();
const statMode = (path: string) => (existsSync(path) ? statSync(path).mode & 0o777 : null);
const CHANGE = `fleet-${process.pid}`;

describe.skipIf(skip !== null)('shipped Debian playbooks on a simulated fleet', () => {
  let fleet: Fleet;
  let runner: Awaited<ReturnType<typeof fleetRunner>>;
  let before: ReturnType<typeof realMachine>;
  beforeAll(async () => {
    before = realMachine(CHANGE);
    fleet = await startFleet({ hosts: FLEET_HOSTS, rebootDowntimeMs: 2000 });
    runner = await fleetRunner(fleet);
  });
  afterAll(async () => {
    await runner?.close();
    await fleet?.stop();
  });

  it('apply-debian-packages installs exactly the approved version and what it pulls in, on that host only; the rescan shows it', async () => {
    const change = `${CHANGE}-ssl`;
    expect(await runner.missing('web-01')).toEqual(expectedMissing(specOf('web-01')));

    const [applied, otherScan] = await Promise.all([runner.run('web-01', 'apply-debian-packages', { packages: [`openssl=${NEW_SSL}`], change }), runner.missing('web-02')]);
    expect(applied.ok, explain(applied)).toBe(true);
    expect(applied.steps.map((s) => [s.name, s.ok, s.skipped ?? null])).toEqual([
      ['record installed versions for rollback', true, null],
      ['check the approved versions are still offered', true, null],
      ['keep the packages the upgrade replaces', true, null],
      ['install exactly what was approved', true, null],
      ['reboot if required', true, 'no reboot required'],
    ]);
    expect(applied.smoke).toMatchObject([{ ok: true, stdoutTail: 'system state: running\n' }]);

    expect(fleet.installed('web-01')).toEqual({ ...specOf('web-01').installed, openssl: NEW_SSL, 'libssl3:amd64': NEW_SSL });
    expect(fleet.installed('web-02')).toEqual(specOf('web-02').installed);
    expect(otherScan).toEqual(expectedMissing(specOf('web-02')));
    expect(await runner.missing('web-01')).toEqual(['deb:tzdata@2025b-0+deb12u1']);

    // The record holds every installed package, as dpkg-query printed it on that host, in a private directory.
    const dir = fleet.hostFile('web-01', `/var/lib/patchbot/${change}`);
    expect(readFileSync(`${dir}/before`, 'utf8')).toBe('bash=5.2.15-2+b2\nlibssl3:amd64=3.0.11-1~deb12u2\nopenssl=3.0.11-1~deb12u2\ntzdata=2024a-0+deb12u1\n');
    expect(statMode(fleet.hostFile('web-01', '/var/lib/patchbot'))).toBe(0o700);
    expect(statMode(dir)).toBe(0o700);
    // The packages it replaced were kept before the upgrade, for a rollback without the mirror.
    expect(readdirSync(`${dir}/debs`).sort()).toEqual(['libssl3_3.0.11-1~deb12u2_amd64.deb', 'openssl_3.0.11-1~deb12u2_amd64.deb']);
    const installs = fleet.toolCalls('web-01').filter((c) => c.tool === 'apt-get' && c.args.includes('install') && !c.args.includes('-s'));
    expect(installs.map((c) => c.args.join(' '))).toEqual([
      `install -y --only-upgrade -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold openssl=${NEW_SSL}`,
    ]);
    expect(fleet.toolCalls('web-02').some((c) => c.args.includes('install'))).toBe(false);
  });

  it('rollback-debian reinstalls the recorded versions from the kept package files, though the mirror and the apt cache lost them', async () => {
    const change = `${CHANGE}-ssl`;
    fleet.forget('web-01', 'openssl', '3.0.11-1~deb12u2');
    fleet.forget('web-01', 'libssl3:amd64', '3.0.11-1~deb12u2');
    const apply = getPlaybook(runner.catalog, 'apply-debian-packages');
    const undo = await runner.run('web-01', rollbackFor(runner.catalog, apply).name, { change });
    expect(undo.ok, explain(undo)).toBe(true);
    expect(undo.steps[0]!.stdoutTail).toBe('2 packages to restore:\nlibssl3:amd64=3.0.11-1~deb12u2\nopenssl=3.0.11-1~deb12u2\n');
    expect(fleet.installed('web-01')).toEqual(specOf('web-01').installed);
    expect(await runner.missing('web-01')).toEqual(expectedMissing(specOf('web-01')));
    const last = fleet
      .toolCalls('web-01')
      .filter((c) => c.tool === 'apt-get' && c.args.includes('install'))
      .at(-1)!;
    const debs = `/var/lib/patchbot/${change}/debs`;
    expect(last.args.join(' ').replace(fleet.hostFile('web-01', debs), debs)).toBe(
      `install -y --allow-downgrades -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold ${debs}/libssl3_3.0.11-1~deb12u2_amd64.deb ${debs}/openssl_3.0.11-1~deb12u2_amd64.deb`,
    );
  });

  it('refuses a rollback record a local user planted (apt options in it, or not ours, or writable by others) and runs nothing from it', async () => {
    const change = `${CHANGE}-planted`;
    const dir = fleet.hostFile('web-02', `/var/lib/patchbot/${change}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(fleet.hostFile('web-02', '/var/lib/patchbot'), 0o700);
    const proof = fleet.hostFile('web-02', '/var/tmp/pwned');
    writeFileSync(`${dir}/before`, `-oDPkg::Pre-Invoke::=touch /var/tmp/pwned\nopenssl=3.0.11-1~deb12u2\n`, { mode: 0o600 });
    const planted = await runner.run('web-02', 'rollback-debian', { change });
    expect(planted.ok).toBe(false);
    expect(planted.steps[0]!.stderrTail).toMatch(/refusing .*\/before: 1 line\(s\) are not name=version/);

    writeFileSync(`${dir}/before`, 'openssl=3.0.11-1~deb12u2\n', { mode: 0o600 });
    chmodSync(`${dir}/before`, 0o666);
    const writable = await runner.run('web-02', 'rollback-debian', { change });
    expect(writable.ok).toBe(false);
    expect(writable.steps[0]!.stderrTail).toMatch(/refusing .*\/before: mode 666 lets others write to it/);

    // The apply refuses to keep a record it did not write safely, too, instead of "keeping the earlier record".
    const apply = await runner.run('web-02', 'apply-debian-packages', { packages: [`openssl=${NEW_SSL}`], change });
    expect(apply.ok).toBe(false);
    expect(apply.steps[0]!.stderrTail).toMatch(/refusing .*\/before: mode 666/);
    expect(existsSync(proof)).toBe(false);
    expect(fleet.toolCalls('web-02').some((c) => c.tool === 'apt-get' && c.args.includes('install') && !c.args.includes('-s'))).toBe(false);
    expect(fleet.installed('web-02')).toEqual(specOf('web-02').installed);
  });

  it('fails the host with "approved X, the host\'s repositories now offer Y" when the approved version was superseded, installing nothing', async () => {
    const change = `${CHANGE}-superseded`;
    fleet.setCandidate('web-02', 'openssl', { version: '3.0.14-1~deb12u1', suite: 'bookworm-security', requires: ['libssl3:amd64'] });
    try {
      const applied = await runner.run('web-02', 'apply-debian-packages', { packages: [`openssl=${NEW_SSL}`], change });
      expect(applied.ok).toBe(false);
      expect(applied.steps.map((s) => [s.name, s.ok])).toEqual([
        ['record installed versions for rollback', true],
        ['check the approved versions are still offered', false],
      ]);
      expect(applied.steps[1]!.stderrTail).toContain(`approved openssl=${NEW_SSL}, the host's repositories now offer openssl=3.0.14-1~deb12u1`);
      expect(fleet.installed('web-02')).toEqual(specOf('web-02').installed);
    } finally {
      fleet.setCandidate('web-02', 'openssl', specOf('web-02').candidates!.openssl!);
    }
  });

  it('the smoke check fails on the host whose upgrade broke a unit; the rollback brings the unit back', async () => {
    const change = `${CHANGE}-nginx`;
    const applied = await runner.run('web-03', 'apply-debian-packages', { packages: ['nginx=1.22.1-9+deb12u1'], change });
    expect(applied).toMatchObject({ ok: false, smokeFailed: true });
    expect(applied.steps.every((s) => s.ok)).toBe(true);
    expect(applied.smoke[0]!.stdoutTail).toBe('system state: degraded\nunits failed after the change: nginx.service\n');
    expect(fleet.failedUnits('web-03')).toEqual(['nginx.service']);

    const undo = await runner.run('web-03', 'rollback-debian', { change });
    expect(undo.ok, explain(undo)).toBe(true);
    expect(fleet.installed('web-03')).toEqual(specOf('web-03').installed);
    expect(fleet.failedUnits('web-03')).toEqual([]);
  });

  it('a unit that was failing before the change does not fail the smoke check', async () => {
    const applied = await runner.run('web-02', 'apply-debian-packages', { packages: ['bash=5.2.15-2+b7'], change: `${CHANGE}-bash` });
    expect(applied.ok, explain(applied)).toBe(true);
    expect(applied.smoke[0]!.stdoutTail).toBe('system state: degraded\ndegraded, but only by units that were already failing before the change\n');
    expect(fleet.installed('web-02').bash).toBe('5.2.15-2+b7');
  });

  it('an upgrade that asks for a reboot gets one: the host comes back with a new boot id and no pending reboot', async () => {
    const bootId = fleet.bootId('db-01');
    const applied = await runner.run('db-01', 'apply-debian-packages', { packages: ['libc6=2.36-9+deb12u7'], change: `${CHANGE}-libc` });
    expect(applied.ok, explain(applied)).toBe(true);
    expect(applied.rebooted).toBe(true);
    expect(applied.bootIds).toEqual({ before: bootId, after: fleet.bootId('db-01') });
    expect(fleet.bootId('db-01')).not.toBe(bootId);
    expect(fleet.rebootRequired('db-01')).toBe(false);
    expect(fleet.installed('db-01')['libc6:amd64']).toBe('2.36-9+deb12u7');
    expect(fleet.toolCalls('db-01').filter((c) => c.tool === 'reboot')).toHaveLength(1);
    // The smoke check ran on the new connection, after the reboot.
    expect(applied.smoke).toMatchObject([{ ok: true }]);
    expect((await runner.scan('db-01')).rebootRequired).toBe(false);
  });

  it('the reboot playbook reboots; while the host is down its sessions drop', async () => {
    const bootId = fleet.bootId('web-01');
    const session = await runner.executor.open(fleet.host('web-01'));
    // Issued the way a person would, not detached: the host drops this very connection.
    await expect(session.run({ command: 'systemctl reboot', timeoutMs: 10_000 })).rejects.toMatchObject({ kind: 'connection-lost' });
    await expect(session.run({ command: 'true', timeoutMs: 10_000 })).rejects.toMatchObject({ kind: 'connection-lost' });
    await session.close();
    expect(fleet.bootId('web-01')).not.toBe(bootId);
    expect(
      fleet
        .commands('web-01')
        .filter((c) => c.refused === 'host-down')
        .map((c) => c.command),
    ).toEqual([expect.stringContaining("-c 'true'")]);

    // Up again once the downtime has passed: a fresh session runs commands.
    await expect
      .poll(
        async () => {
          const probe = await runner.executor.open(fleet.host('web-01'));
          try {
            return (await probe.run({ command: 'hostname', timeoutMs: 10_000 })).stdout;
          } catch {
            return 'down';
          } finally {
            await probe.close();
          }
        },
        { timeout: 15_000, interval: 250 },
      )
      .toBe('web-01\n');
    const again = fleet.bootId('web-01');
    const rebooted = await runner.run('web-01', 'reboot');
    expect(rebooted.ok, explain(rebooted)).toBe(true);
    expect(rebooted.bootIds).toEqual({ before: again, after: fleet.bootId('web-01') });
  });

  it('ran every command exactly as patchbot sent it (namespace mode), and left the real machine untouched', () => {
    for (const host of FLEET_HOSTS) {
      const commands = fleet.commands(host.name).filter((c) => c.refused === null);
      expect(commands.length, host.name).toBeGreaterThan(0);
      // Every command under the host-side deadline: a script through the login shell, a plain program call directly.
      for (const c of commands) expect(c.command).toMatch(/^timeout -s KILL [\d.]+ ("\$\{SHELL:-\/bin\/sh\}" -c '|[\w./-]+( |$))/);
      if (fleet.isolation === 'namespace') for (const c of commands) expect(c.ran).toBe(c.command);
    }
    expect(realMachine(CHANGE)).toEqual(before);
  });
});

if (skip) console.warn(`[skip] shipped Debian playbooks on a simulated fleet: ${skip}`);

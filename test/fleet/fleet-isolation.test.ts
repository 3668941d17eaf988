import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostSession } from '../../src/playbooks/executor.ts';
import { type Fleet, startFleet } from '../support/fleet/index.ts';
import { sshdSkipReason } from '../support/sshd.ts';
import { expectedMissing, NEW_SSL, specOf } from './fleet-hosts.ts';
import { explain, fleetRunner, realMachine } from './fleet-runner.ts';

/**
 * What keeps the simulation honest: in rewrite mode the command that ran differs from the one
 * sent only by the host-root prefix of the simulated paths; tools refuse what they do not
 * simulate (apt's exit 100) instead of pretending; commands that would reach the real package
 * tools or databases are refused; in namespace mode the real root is read-only.
 */
const skip = sshdSkipReason();
const CHANGE = `fleet-iso-${process.pid}`;

describe.skipIf(skip !== null)('fleet isolation', () => {
  let rewrite: Fleet;
  let auto: Fleet;
  let runner: Awaited<ReturnType<typeof fleetRunner>>;
  let session: HostSession;
  let before: ReturnType<typeof realMachine>;
  beforeAll(async () => {
    before = realMachine(CHANGE);
    [rewrite, auto] = await Promise.all([startFleet({ hosts: [specOf('web-01')], isolation: 'rewrite' }), startFleet({ hosts: [specOf('web-02')] })]);
    runner = await fleetRunner(rewrite);
    session = await runner.executor.open(rewrite.host('web-01'));
  });
  afterAll(async () => {
    await session?.close();
    await runner?.close();
    await Promise.all([rewrite?.stop(), auto?.stop()]);
  });

  const sh = async (command: string) => session.run({ command, timeoutMs: 20_000 });

  it('rewrite mode: scan, apply, rollback and reboot work, and each command ran as sent but for the host root before the simulated paths', async () => {
    const change = `${CHANGE}-ssl`;
    expect(await runner.missing('web-01')).toEqual(expectedMissing(specOf('web-01')));
    const applied = await runner.run('web-01', 'apply-debian-packages', { packages: [`openssl=${NEW_SSL}`], change });
    expect(applied.ok, explain(applied)).toBe(true);
    expect(rewrite.installed('web-01').openssl).toBe(NEW_SSL);
    expect(await runner.missing('web-01')).toEqual(['deb:tzdata@2025b-0+deb12u1']);
    const undo = await runner.run('web-01', 'rollback-debian', { change });
    expect(undo.ok, explain(undo)).toBe(true);
    expect(rewrite.installed('web-01')).toEqual(specOf('web-01').installed);
    const bootId = rewrite.bootId('web-01');
    const rebooted = await runner.run('web-01', 'reboot');
    expect(rebooted.ok, explain(rebooted)).toBe(true);
    expect(rebooted.bootIds).toEqual({ before: bootId, after: rewrite.bootId('web-01') });

    const root = join(rewrite.dir, 'hosts', 'web-01', 'root');
    const commands = rewrite.commands('web-01');
    expect(commands.filter((c) => c.ran.includes(`${root}/var/lib/patchbot/`)).length).toBeGreaterThan(0);
    for (const c of commands.filter((c) => c.refused === null)) expect(c.ran.replaceAll(root, '')).toBe(c.command);
  });

  it("apt-get refuses what it does not simulate, with exit 100 and apt's kind of message", async () => {
    const cases: [string, RegExp][] = [
      ['apt-get frobnicate', /^E: Invalid operation frobnicate$/m],
      ['apt-get -y dist-upgrade', /only as a simulation/],
      ['apt-get install --force-yes openssl', /^E: Command line option --force-yes is not understood/m],
      ['apt-get install -y nosuchpkg', /^E: Unable to locate package nosuchpkg$/m],
      ['apt-get install -y openssl=9.9-1', /^E: Version '9\.9-1' for 'openssl' was not found$/m],
    ];
    for (const [command, message] of cases) {
      const result = await sh(command);
      expect([command, result.exitCode]).toEqual([command, 100]);
      expect(result.stderr).toMatch(message);
    }
    const prompt = await sh('apt-get install openssl');
    expect(prompt.exitCode).toBe(1);
    expect(prompt.stdout).toMatch(/Do you want to continue\? \[Y\/n\] Abort\.$/m);
    expect(rewrite.installed('web-01')).toEqual(specOf('web-01').installed);
  });

  it('a downgrade needs --allow-downgrades, as with real apt', async () => {
    expect((await sh('apt-get install -y --only-upgrade -qq openssl')).exitCode).toBe(0);
    const refused = await sh('apt-get install -y openssl=3.0.11-1~deb12u2');
    expect(refused.exitCode).toBe(100);
    expect(refused.stderr).toMatch(/^E: Packages were downgraded and -y was used without --allow-downgrades\.$/m);
    const done = await sh('apt-get install -y --allow-downgrades openssl=3.0.11-1~deb12u2 libssl3:amd64=3.0.11-1~deb12u2');
    expect(done.exitCode, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^0 upgraded, 0 newly installed, 2 downgraded, 0 to remove and 1 not upgraded\.$/m);
    expect(rewrite.installed('web-01')).toEqual(specOf('web-01').installed);
  });

  it('the other tools fail on what they do not simulate', async () => {
    expect(await sh("dpkg-query -W -f '${Maintainer}\\n'")).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/does not implement field Maintainer/) });
    expect(await sh('dpkg-query -W nosuch')).toMatchObject({ exitCode: 1, stderr: 'dpkg-query: no packages found matching nosuch\n' });
    expect(await sh('systemctl restart nginx.service')).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/not simulated/) });
    expect(await sh('dpkg -l')).toMatchObject({ exitCode: 127, stderr: expect.stringMatching(/dpkg is not simulated/) });
    expect(await sh('command -v needrestart || echo absent')).toMatchObject({ exitCode: 0, stdout: 'absent\n' });
  });

  it('refuses commands that name real package tools or databases by path', async () => {
    for (const command of ['/usr/bin/apt-get update', 'cat /var/lib/dpkg/status', 'ls /etc/apt/sources.list.d', '/sbin/reboot']) {
      const result = await sh(command);
      expect([command, result.exitCode]).toEqual([command, 126]);
      expect(result.stderr).toMatch(/fleet simulator: web-01 refuses this command/);
    }
    expect(rewrite.commands('web-01').filter((c) => c.refused === 'real-path')).toHaveLength(4);
  });

  it('namespace mode: the real root file system is read-only to a host', async (ctx) => {
    if (auto.isolation !== 'namespace') ctx.skip();
    const host = await fleetRunner(auto);
    const probe = await host.executor.open(auto.host('web-02'));
    try {
      const result = await probe.run({ command: `touch /etc/${CHANGE}; cat /etc/os-release | head -n 1; echo x > /var/tmp/${CHANGE}-probe`, timeoutMs: 20_000 });
      expect(result.stderr).toMatch(/Read-only file system/);
      expect(result.stdout).toBe('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n');
      expect(existsSync(`/etc/${CHANGE}`)).toBe(false);
      expect(existsSync(auto.hostFile('web-02', `/var/tmp/${CHANGE}-probe`))).toBe(true);
      expect(existsSync(`/var/tmp/${CHANGE}-probe`)).toBe(false);
    } finally {
      await probe.close();
      await host.close();
    }
  });

  it('left the real machine untouched', () => {
    expect(realMachine(CHANGE)).toEqual(before);
  });
});

if (skip) console.warn(`[skip] fleet isolation: ${skip}`);

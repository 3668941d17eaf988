import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, writeConfig } from './support/cli.ts';
import { runPatchbot, type ServiceProcess, startPatchbot } from './support/process.ts';

/**
 * SSH hosts with no key and no agent cannot be scanned or patched. That is patchbot's own
 * configuration, so `config check` and `start` say so, naming the hosts and the key to set, and a
 * scan says the host was not contacted rather than leaving it looking like a network fault.
 */
const sshHosts = (n: number) => Array.from({ length: n }, (_, i) => `    - { name: web-0${i + 1}, address: 127.0.0.1, port: 1, os: debian }`).join('\n');
const config = (hosts: string, extra = '') =>
  writeConfig(
    `inventory:\n  hosts:\n${hosts}\n${extra}store: { url: "pglite://${mkdtempSync(join(tmpdir(), 'patchbot-ssh-'))}/data" }\nschedules: { discovery: null }\nserver: { port: 0 }\nlog: { level: warn }\n`,
  );
const NO_AGENT = { SSH_AUTH_SOCK: undefined };

let service: ServiceProcess | undefined;
afterAll(async () => {
  if (service?.child.exitCode === null) await service.stop('SIGKILL');
});

describe('SSH hosts without credentials', () => {
  it('`config check` warns, naming up to five hosts and the key to set; the config is still valid', async () => {
    const result = await cli(['config', 'check', '--config', config(sshHosts(7))], NO_AGENT);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Configuration is valid.');
    expect(result.stderr).toContain(
      'warning: execution.ssh: patchbot has no SSH credentials: set execution.ssh.privateKeyPath, or run patchbot with an SSH agent (SSH_AUTH_SOCK); until then no scan or rollout can log in to the 7 SSH hosts (web-01, web-02, web-03, web-04, web-05 and 2 more)\n',
    );
  });

  it('no warning with a key, with an agent, or with only local hosts', async () => {
    const withKey = await cli(['config', 'check', '--config', config(sshHosts(2), 'execution: { ssh: { privateKeyPath: ./id_ed25519 } }\n')], NO_AGENT);
    const withAgent = await cli(['config', 'check', '--config', config(sshHosts(2))], { SSH_AUTH_SOCK: '/run/user/0/agent.sock' });
    const local = await cli(['config', 'check', '--config', config('    - { name: here, os: debian, connection: local }')], NO_AGENT);
    for (const result of [withKey, withAgent, local]) {
      expect(result.code).toBe(0);
      expect(result.stderr).not.toContain('SSH credentials');
    }
  });

  it('`config check` warns of a key other users can read and a known_hosts they can write, and is quiet once both are private', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchbot-ssh-files-'));
    const key = join(dir, 'id_ed25519');
    const known = join(dir, 'known_hosts');
    writeFileSync(key, 'not checked here\n');
    writeFileSync(known, '');
    chmodSync(key, 0o644);
    chmodSync(known, 0o666);
    chmodSync(dir, 0o777);
    const file = config(sshHosts(1), `execution: { ssh: { privateKeyPath: ${key}, knownHostsPath: ${known} } }\n`);
    const open = await cli(['config', 'check', '--config', file], NO_AGENT);
    expect(open.code).toBe(0);
    expect(open.stdout).toContain('Configuration is valid.');
    expect(open.stderr).toContain(`warning: execution.ssh.privateKeyPath: ${key} has mode 644: others on this machine can read the key`);
    expect(open.stderr).toContain(`warning: execution.ssh.knownHostsPath: the file ${known} has mode 666`);
    expect(open.stderr).toContain(`warning: execution.ssh.knownHostsPath: the directory ${dir} has mode 777`);
    chmodSync(key, 0o600);
    chmodSync(known, 0o644);
    chmodSync(dir, 0o700);
    const closed = await cli(['config', 'check', '--config', file], NO_AGENT);
    expect(closed.code).toBe(0);
    expect(closed.stderr).not.toContain('execution.ssh.');
  });

  it('`start` warns the same way, and a scan records that the host was not contacted for want of credentials', async () => {
    const file = config(sshHosts(1));
    service = await startPatchbot(['--config', file], { SSH_AUTH_SOCK: '' });
    expect(service.output()).toContain('config: execution.ssh: patchbot has no SSH credentials: set execution.ssh.privateKeyPath');
    expect(service.output()).toContain('the SSH host (web-01)');
    const scan = await runPatchbot(['scan', '--json', '--config', file], { SSH_AUTH_SOCK: '' });
    expect(scan.code).toBe(1);
    const result = JSON.parse(scan.stdout) as { results: { host: string; outcome: string; error: string }[] };
    expect(result.results).toEqual([expect.objectContaining({ host: 'web-01', error: expect.stringContaining('patchbot has no SSH credentials') })]);
    expect(result.results[0]?.error).toContain('the host was not contacted');
    expect(await service.stop('SIGTERM')).toBe(0);
  }, 120_000);
});

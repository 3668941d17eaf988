import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Config } from './schema.ts';
import { configWarnings } from './warnings.ts';

/** A config with one SSH host, its key and known_hosts in a fresh private directory, at these modes. */
const setUp = (modes: { key: number; knownHosts: number; dir: number }, connection: 'ssh' | 'local' = 'ssh', owner?: number) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'patchbot-ssh-modes-')), 'ssh');
  mkdirSync(dir);
  const key = join(dir, 'id_ed25519');
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(key, 'not a real key\n');
  writeFileSync(knownHosts, '');
  chmodSync(key, modes.key);
  chmodSync(knownHosts, modes.knownHosts);
  chmodSync(dir, modes.dir);
  if (owner !== undefined) for (const path of [key, knownHosts]) chownSync(path, owner, owner);
  const config = Config.parse({
    inventory: { hosts: [{ name: 'web-01', address: '10.0.0.1', os: 'debian', connection }] },
    execution: { ssh: { privateKeyPath: key, knownHostsPath: knownHosts } },
  });
  const warnings = configWarnings(config, {}).filter((w) => w.startsWith('execution.ssh.'));
  return { key, knownHosts, dir, warnings };
};

describe('SSH files that local users could reach', () => {
  it('says nothing for a key only its owner reads and host keys only its owner writes', () => {
    expect(setUp({ key: 0o600, knownHosts: 0o644, dir: 0o755 }).warnings).toEqual([]);
  });

  it('warns about a private key others can read', () => {
    const { key, warnings } = setUp({ key: 0o644, knownHosts: 0o600, dir: 0o700 });
    expect(warnings).toEqual([
      `execution.ssh.privateKeyPath: ${key} has mode 644: others on this machine can read the key that logs in to every SSH host; chmod 600 it (OpenSSH refuses a key like this)`,
    ]);
  });

  it('warns about a known_hosts, or its directory, others can write', () => {
    const { knownHosts, dir, warnings } = setUp({ key: 0o600, knownHosts: 0o666, dir: 0o777 });
    expect(warnings).toEqual([
      `execution.ssh.knownHostsPath: the file ${knownHosts} has mode 666: others on this machine can write the host keys patchbot trusts, and pin their own for a host; chmod go-w it`,
      `execution.ssh.knownHostsPath: the directory ${dir} has mode 777: others on this machine can write the host keys patchbot trusts, and pin their own for a host; chmod go-w it`,
    ]);
  });

  it('says nothing of a sticky directory such as /tmp, where only owners may rename or remove', () => {
    expect(setUp({ key: 0o600, knownHosts: 0o644, dir: 0o1777 }).warnings).toEqual([]);
  });

  const root = process.getuid?.() === 0;
  if (!root) console.warn('[skip] SSH files owned by another user: needs root to chown them');
  it.skipIf(!root)('warns about a key and a known_hosts another user owns, whatever their modes', () => {
    const { key, knownHosts, warnings } = setUp({ key: 0o600, knownHosts: 0o644, dir: 0o700 }, 'ssh', 65534);
    expect(warnings).toEqual([
      `execution.ssh.privateKeyPath: ${key} is owned by uid 65534, who can replace the key that logs in to every SSH host; give it to the user patchbot runs as`,
      `execution.ssh.knownHostsPath: the file ${knownHosts} is owned by uid 65534, who can write the host keys patchbot trusts, and pin their own for a host; give it to the user patchbot runs as`,
    ]);
  });

  it('says nothing when no host is reached over SSH', () => {
    expect(setUp({ key: 0o644, knownHosts: 0o666, dir: 0o777 }, 'local').warnings).toEqual([]);
  });
});

import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from './schema.ts';

const SHOWN = 5;

/** What to set, said the same way at `config check`, at start and on every host a scan could not try. */
export const NO_SSH_CREDENTIALS = 'patchbot has no SSH credentials: set execution.ssh.privateKeyPath, or run patchbot with an SSH agent (SSH_AUTH_SOCK)';

/**
 * SSH hosts with no way to log in: no execution.ssh.privateKeyPath and no agent in the environment
 * patchbot runs with. Legal (the key may be mounted later) but every scan of them fails, and the
 * hosts would look unreachable for what is patchbot's own configuration; so say it up front,
 * naming the hosts (a few) and the key to set.
 */
export const sshCredentialWarnings = (config: Config, env: Record<string, string | undefined>): string[] => {
  if (config.execution.ssh.privateKeyPath || env.SSH_AUTH_SOCK) return [];
  const hosts = config.inventory.hosts.filter((host) => host.connection === 'ssh').map((host) => host.name);
  if (hosts.length === 0) return [];
  const named = `${hosts.slice(0, SHOWN).join(', ')}${hosts.length > SHOWN ? ` and ${hosts.length - SHOWN} more` : ''}`;
  return [`execution.ssh: ${NO_SSH_CREDENTIALS}; until then no scan or rollout can log in to ${hosts.length === 1 ? 'the SSH host' : `the ${hosts.length} SSH hosts`} (${named})`];
};

/** The mode and owner of `path` (following links), or null when it cannot be read (missing: said elsewhere, or created later). */
const statOf = (path: string): { mode: number; uid: number } | null => {
  try {
    const stats = statSync(path);
    return { mode: stats.mode & 0o7777, uid: stats.uid };
  } catch {
    return null;
  }
};
/** Another user than the one patchbot runs as, and not root: that user can change the file whenever they like. */
const strangerOwns = (uid: number): boolean => {
  const me = process.getuid?.();
  return me !== undefined && uid !== me && uid !== 0;
};
const octal = (mode: number) => mode.toString(8).padStart(3, '0');
/** Others may change what is in it: for a directory, unless it is sticky (/tmp), where only owners may rename or remove. */
const othersWrite = (mode: number, what: 'file' | 'directory') => (mode & 0o022) !== 0 && (what === 'file' || (mode & 0o1000) === 0);

/**
 * The SSH files local users must not reach (DESIGN §8: local users are not trusted). The private
 * key logs in to every SSH host: readable by group or others, anyone on this machine who can read
 * it can too (OpenSSH refuses such a key). known_hosts decides which host key is genuine: writable
 * by group or others (the file, or its directory), a local user can pin their own key for a host.
 * Warnings, as OpenSSH's client does not check known_hosts either; only for a config with SSH hosts.
 */
export const sshFileWarnings = (config: Config): string[] => {
  if (!config.inventory.hosts.some((host) => host.connection === 'ssh')) return [];
  const { privateKeyPath, knownHostsPath } = config.execution.ssh;
  const warnings: string[] = [];
  const key = privateKeyPath ? statOf(privateKeyPath) : null;
  if (privateKeyPath && key && key.mode & 0o077) {
    warnings.push(
      `execution.ssh.privateKeyPath: ${privateKeyPath} has mode ${octal(key.mode)}: others on this machine can read the key that logs in to every SSH host; chmod 600 it (OpenSSH refuses a key like this)`,
    );
  }
  if (privateKeyPath && key && strangerOwns(key.uid)) {
    warnings.push(`execution.ssh.privateKeyPath: ${privateKeyPath} is owned by uid ${key.uid}, who can replace the key that logs in to every SSH host; give it to the user patchbot runs as`);
  }
  for (const [path, what] of [
    [knownHostsPath, 'file'],
    [dirname(knownHostsPath), 'directory'],
  ] as const) {
    const stat = statOf(path);
    if (stat && othersWrite(stat.mode, what)) {
      warnings.push(
        `execution.ssh.knownHostsPath: the ${what} ${path} has mode ${octal(stat.mode)}: others on this machine can write the host keys patchbot trusts, and pin their own for a host; chmod go-w it`,
      );
    } else if (stat && strangerOwns(stat.uid)) {
      warnings.push(
        `execution.ssh.knownHostsPath: the ${what} ${path} is owned by uid ${stat.uid}, who can write the host keys patchbot trusts, and pin their own for a host; give it to the user patchbot runs as`,
      );
    }
  }
  return warnings;
};

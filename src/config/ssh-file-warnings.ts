import { type Stats, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from './schema.ts';

const mode = (stats: Stats) => (stats.mode & 0o777).toString(8).padStart(3, '0');
const sticky = (stats: Stats) => (stats.mode & 0o1000) !== 0;
const statOrNull = (path: string): Stats | null => {
  try {
    return statSync(path);
  } catch {
    return null;
  }
};
/** Owned by someone other than this user or root: that user can change it whenever they like. */
const foreignOwner = (stats: Stats): number | null => {
  const uid = process.getuid?.();
  return uid === undefined || stats.uid === uid || stats.uid === 0 ? null : stats.uid;
};

/**
 * The SSH files patchbot trusts, as other local users could reach them: a client key others can
 * read (OpenSSH refuses such a key, and it is anyone's login to every host), and a known_hosts
 * file, or its directory, others can write (anyone who can write it can pin their own key for a
 * host, and a machine in the middle then passes the host key check). Legal, so warnings, at
 * `config check` and at start like the other SSH warning; only when some host is reached over SSH,
 * and only for files that exist.
 */
export const sshFileWarnings = (config: Config): string[] => {
  if (!config.inventory.hosts.some((host) => host.connection === 'ssh')) return [];
  const { privateKeyPath, knownHostsPath } = config.execution.ssh;
  const warnings: string[] = [];
  const key = privateKeyPath ? statOrNull(privateKeyPath) : null;
  if (privateKeyPath && key) {
    if (key.mode & 0o077)
      warnings.push(
        `execution.ssh.privateKeyPath: ${privateKeyPath} can be read or written by other users (mode ${mode(key)}); OpenSSH refuses such a key, and anyone who can read it can log in to every SSH host: chmod 600 ${privateKeyPath}`,
      );
    const owner = foreignOwner(key);
    if (owner !== null)
      warnings.push(`execution.ssh.privateKeyPath: ${privateKeyPath} is owned by uid ${owner}, who can replace the key patchbot logs in with; give it to the user patchbot runs as`);
  }
  const known = statOrNull(knownHostsPath);
  if (known) {
    const because = known.mode & 0o022 ? `can be written by other users (mode ${mode(known)})` : foreignOwner(known) !== null ? `is owned by uid ${foreignOwner(known)}` : null;
    if (because)
      warnings.push(
        `execution.ssh.knownHostsPath: ${knownHostsPath} ${because}; whoever can write it can pin their own key for a host and pass the host key check: chmod 644 and give it to the user patchbot runs as`,
      );
  }
  const folder = dirname(knownHostsPath);
  const dir = statOrNull(folder);
  if (dir && dir.mode & 0o022 && !sticky(dir))
    warnings.push(
      `execution.ssh.knownHostsPath: its directory ${folder} can be written by other users (mode ${mode(dir)}), who can replace the file; keep known_hosts in a directory only patchbot's user can write`,
    );
  return warnings;
};

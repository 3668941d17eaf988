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

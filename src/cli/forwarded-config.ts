import { DEFAULT_CONFIG_FILE } from '../config/layers.ts';
import { type ConfigIdentity, differingSections } from '../config/identity.ts';

const describe = (identity: ConfigIdentity): string =>
  [...identity.files.map((file) => (file === DEFAULT_CONFIG_FILE ? 'config/default.yaml' : file)), ...identity.env.map((name) => `$${name}`)].join(' + ');

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

/**
 * Why the service will not run a forwarded command, or null when it may: a command runs on the
 * service's runtime and config, so when the caller named a config that means something else (its
 * own files, overrides, or a file edited since the service started), running it would answer from
 * a config nobody asked about. The caller gets the difference and the two ways out.
 */
export const forwardedConfigRefusal = (service: ConfigIdentity | undefined, caller: ConfigIdentity, pid: number): string | null => {
  const differ = service ? differingSections(service, caller) : ['(the service has no config loaded)'];
  if (differ.length === 0) return null;
  const serviceFiles = service ? service.files.filter((file) => file !== DEFAULT_CONFIG_FILE) : [];
  const lines = [
    `patchbot: not run. The patchbot service (pid ${pid}) holds the store and runs commands on its own configuration, and yours differs from it in: ${differ.join(', ')}.`,
    `  the service:  ${service ? describe(service) : 'unknown'}`,
    `  this command: ${describe(caller)}`,
    service && sameList(service.files, caller.files)
      ? 'The same files: they changed since the service started, or the environment differs. Restart the service to apply the change, or run the command with the environment the service has.'
      : `Run it with the service's configuration${serviceFiles.length ? ` (--config ${serviceFiles.join(' --config ')})` : ' (no --config or PATCHBOT_CONFIG)'}, or stop the service to run it on yours.`,
  ];
  return `${lines.join('\n')}\n`;
};

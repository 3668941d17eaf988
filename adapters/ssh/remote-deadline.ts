import type { Host } from '../../src/inventory/host.ts';

/** The host-side deadline fires this long after ours, so our timer (and the 'timeout' error) comes first. */
export const REMOTE_GRACE_MS = 1_000;

const shellQuote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * Wraps a command in coreutils `timeout -s KILL` on the host, as a backstop to our own timer.
 *
 * Why: killing a timed-out command from our side is unreliable. OpenSSH refuses the SSH "signal"
 * request for root logins ("session signalling requires privilege separation" — root sessions
 * run without the privsep child) and before 8.1 ignores it altogether; and sshd does not kill a
 * command without a pty when its channel or connection closes, so `sleep 3600` would outlive
 * us. `timeout` puts the command in its own process group and kills the whole group.
 * The command still runs under the user's login shell ($SHELL), as an unwrapped exec would.
 * Windows hosts have no such `timeout`, so their commands are left as they are.
 */
export const withRemoteDeadline = (host: Host, command: string, timeoutMs: number): string => {
  if (host.os === 'windows') return command;
  const seconds = ((timeoutMs + REMOTE_GRACE_MS) / 1000).toFixed(3);
  return `timeout -s KILL ${seconds} "\${SHELL:-/bin/sh}" -c ${shellQuote(command)}`;
};

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
 * The command still runs under the user's login shell ($SHELL), as an unwrapped exec would, unless
 * it is a plain program call that a shell would only exec (plainCommand).
 * Windows hosts have no such `timeout`, so their commands are left as they are.
 */
export const withRemoteDeadline = (host: Host, command: string, timeoutMs: number): string => {
  if (host.os === 'windows') return command;
  const seconds = ((timeoutMs + REMOTE_GRACE_MS) / 1000).toFixed(3);
  if (plainCommand(command)) return `timeout -s KILL ${seconds} ${command}`;
  return `timeout -s KILL ${seconds} "\${SHELL:-/bin/sh}" -c ${shellQuote(command)}`;
};

/** Words a shell passes through as they are: no quoting, expansion, globbing, redirection or operator characters. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+,.:/=-]+$/;
/** A program name: no `=` (that would be an assignment), nothing a shell reads specially at a command's start. */
const PLAIN_PROGRAM = /^[A-Za-z0-9_./-]+$/;
/** Builtins and keywords run by the shell itself, never looked up in PATH: they need the shell. */
const SHELL_WORDS = new Set([
  '.',
  ':',
  '[',
  '[[',
  '!',
  'alias',
  'bg',
  'bind',
  'break',
  'builtin',
  'caller',
  'case',
  'cd',
  'command',
  'compgen',
  'complete',
  'compopt',
  'continue',
  'coproc',
  'declare',
  'dirs',
  'disown',
  'do',
  'done',
  'echo',
  'elif',
  'else',
  'enable',
  'esac',
  'eval',
  'exec',
  'exit',
  'export',
  'false',
  'fc',
  'fg',
  'fi',
  'for',
  'function',
  'getopts',
  'hash',
  'help',
  'history',
  'if',
  'in',
  'jobs',
  'kill',
  'let',
  'local',
  'logout',
  'mapfile',
  'popd',
  'printf',
  'pushd',
  'pwd',
  'read',
  'readarray',
  'readonly',
  'return',
  'select',
  'set',
  'shift',
  'shopt',
  'source',
  'suspend',
  'test',
  'then',
  'time',
  'times',
  'trap',
  'true',
  'type',
  'typeset',
  'ulimit',
  'umask',
  'unalias',
  'unset',
  'until',
  'wait',
  'while',
  '{',
  '}',
]);

/**
 * The command itself when it is a plain program call (`cat /var/lib/x`, `systemctl is-active
 * nginx`), else null. The login shell would only split such a line on spaces and exec the
 * program, so `timeout` can exec it directly: one shell and one exec fewer on the host per
 * command (about 1 ms of its CPU). Anything a shell would interpret keeps the shell.
 */
export const plainCommand = (command: string): string | null => {
  if (!/^[^\s]+( [^\s]+)*$/.test(command)) return null;
  const words = command.split(' ');
  if (!PLAIN_PROGRAM.test(words[0]!) || SHELL_WORDS.has(words[0]!)) return null;
  return words.every((word) => PLAIN_WORD.test(word)) ? command : null;
};

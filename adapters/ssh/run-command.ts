import { constants } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { ClientChannel } from 'ssh2';
import { type ExecRequest, type ExecResult, ExecutionError, stopReason } from '../../src/playbooks/executor.ts';
import { signalChannel } from './channel-signal.ts';
import type { SshConnection } from './connection.ts';
import { connectionLost, target } from './errors.ts';
import { OutputTail } from '../../src/playbooks/output-tail.ts';
import { withRemoteDeadline } from './remote-deadline.ts';
import { withRemoteStop } from './remote-stop.ts';

export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;

/** A command killed by a signal reports 128 + signal number, as a POSIX shell would ($? = 137 for KILL). */
const signalExitCode = (signal: string | undefined): number => {
  const number = signal ? constants.signals[signal as keyof typeof constants.signals] : undefined;
  return typeof number === 'number' ? 128 + number : 255;
};

/** Per-executor settings for every run; see SshExecutorOptions.remoteDeadline. */
export interface RunOptions {
  remoteDeadline: boolean;
  log?: Logger | undefined;
}

/**
 * Runs one command on an open connection, in its own exec channel: no pty (non-interactive, no
 * prompts, stdout and stderr kept apart) and stdin closed at once so a command that reads it
 * sees EOF instead of hanging until the timeout. The caller holds a channel slot for the call.
 *
 * ssh2 has no exec timeout. When ours fires: signal KILL (OpenSSH ≥ 8.1 kills the command's
 * process group, for non-root logins), close the channel, and end the whole connection, so a
 * wedged connection is never reused; the session reconnects for its next run. Because sshd
 * ignores the signal for root and does not kill a pty-less command on disconnect, the command
 * also carries its own deadline on the host (remote-deadline.ts) unless `remoteDeadline` is off.
 *
 * A request with a signal can be stopped: on abort the call rejects 'stopped', KILL is signalled,
 * the channel's stdin ends (the host-side watcher of remote-stop.ts kills the command's process
 * group, root login or not) and the channel and connection close. That watcher needs the remote
 * deadline's `timeout` (its process group) and a POSIX shell: with `remoteDeadline` off, or on
 * Windows, a stop only closes the channel and connection.
 */
export const runCommand = (connection: SshConnection, request: ExecRequest, { remoteDeadline, log }: RunOptions): Promise<ExecResult> =>
  new Promise((resolve, reject) => {
    const host = connection.host;
    if (connection.closed) return reject(connectionLost(host, `connection lost before the command started: ${connection.closeReason}`));
    const { signal } = request;
    if (signal?.aborted) return reject(new ExecutionError('stopped', host.name, `${target(host)}: not started: ${stopReason(signal)}`));
    const maxBytes = request.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    const stdout = new OutputTail(maxBytes);
    const stderr = new OutputTail(maxBytes);
    const started = performance.now();
    const stoppable = Boolean(signal) && remoteDeadline && host.os !== 'windows';
    let channel: ClientChannel | null = null;
    let exit: { code: number | null; signal?: string } | null = null;
    let settled = false;
    let unsubscribe: () => void = () => {};

    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      unsubscribe();
      outcome();
    };

    const timedOut = () => new ExecutionError('timeout', host.name, `${target(host)}: command did not finish within ${request.timeoutMs} ms and was killed`);
    /** Timed out or stopped: kill the command (signal, stdin's end for the host-side watcher), then drop the connection. */
    const kill = (why: string) => {
      if (channel) {
        try {
          if (!signalChannel(channel, 'KILL')) log?.warn({ host: host.name }, 'ssh could not send KILL');
          if (stoppable) channel.end();
          channel.close();
        } catch {
          // The channel may already be gone; ending the connection below is what matters.
        }
      }
      // A timer cannot await; end() never rejects, and onClose below rejects the command with the reason.
      void connection.end(why);
    };
    const timer = setTimeout(() => {
      settle(() => reject(timedOut()));
      log?.warn({ host: host.name, timeoutMs: request.timeoutMs }, 'ssh command timed out');
      kill(`it was ended after a command on it timed out after ${request.timeoutMs} ms`);
    }, request.timeoutMs);
    const onAbort = () => {
      const why = signal ? stopReason(signal) : 'stopped';
      settle(() => reject(new ExecutionError('stopped', host.name, `${target(host)}: command killed: ${why}`)));
      log?.warn({ host: host.name, reason: why }, 'ssh command stopped');
      kill(`it was ended after a command on it was stopped: ${why}`);
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    unsubscribe = connection.onClose((reason) => {
      settle(() => reject(connectionLost(host, `connection lost while running the command: ${reason}`)));
    });

    const deadlined = remoteDeadline ? withRemoteDeadline(host, request.command, request.timeoutMs) : request.command;
    const command = stoppable ? withRemoteStop(deadlined) : deadlined;
    connection.client.exec(command, {}, (error, opened) => {
      if (error) {
        const lost = connection.closed;
        return settle(() =>
          reject(
            lost
              ? connectionLost(host, `connection lost before the command started: ${connection.closeReason}`)
              : new ExecutionError('command-failed', host.name, `${target(host)}: could not open a channel: ${error.message}`),
          ),
        );
      }
      channel = opened;
      if (settled) {
        // Timed out or lost while the open was in flight: do not leave the command running.
        opened.close();
        return;
      }
      // Stdin ends now (nothing waits for input), or — stoppable — when the command is stopped.
      if (!stoppable) opened.end();
      opened.on('data', (chunk: Buffer) => stdout.push(chunk));
      opened.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      opened.on('exit', (code: number | null, signal?: string) => {
        exit = { code, ...(signal ? { signal } : {}) };
      });
      opened.on('close', () => {
        const result = exit;
        if (!result) {
          if (connection.closed) return settle(() => reject(connectionLost(host, `connection lost while running the command: ${connection.closeReason}`)));
          return settle(() => reject(new ExecutionError('command-failed', host.name, `${target(host)}: the channel closed without an exit status`)));
        }
        // Our timer can be starved on a busy event loop; a KILL arriving after the deadline is the host-side deadline.
        const killed = result.code === 137 || result.signal === 'SIGKILL';
        if (killed && performance.now() - started >= request.timeoutMs) return settle(() => reject(timedOut()));
        settle(() =>
          resolve({
            exitCode: result.code ?? signalExitCode(result.signal),
            stdout: stdout.text(),
            stderr: stderr.text(),
            truncated: stdout.truncated || stderr.truncated,
            durationMs: Math.round(performance.now() - started),
          }),
        );
      });
    });
  });

import type { Host } from '../../src/inventory/host.ts';
import { type ExecRequest, type ExecResult, ExecutionError, type HostSession } from '../../src/playbooks/executor.ts';
import { ChannelLimiterClosedError } from './channel-limiter.ts';
import type { SshConnection } from './connection.ts';
import { connectionLost } from './errors.ts';
import { type RunOptions, runCommand } from './run-command.ts';

/** Queued runs whose connection died before they started move to a fresh connection at most this often. */
const MAX_REQUEUES = 3;

/**
 * A HostSession over one SSH connection, shared by all its runs (each run is one exec channel,
 * at most maxChannelsPerHost at a time, the rest queued).
 *
 * Reconnect policy: when the connection is gone — the host dropped it, a reboot step took it
 * down, or we ended it because a command timed out — the next run opens a new connection (host
 * key verified again) instead of marking the session broken. Runs that were executing when it
 * died reject ('connection-lost' or 'timeout'); runs still queued had not started, so they move
 * to the new connection. Only close() ends the session for good.
 */
export class SshHostSession implements HostSession {
  private connection: SshConnection | null;
  private connecting: Promise<SshConnection> | null = null;
  private closed = false;

  constructor(
    readonly host: Host,
    first: SshConnection,
    private readonly connect: () => Promise<SshConnection>,
    private readonly onClosed: (session: SshHostSession) => void,
    private readonly runOptions: RunOptions,
  ) {
    this.connection = first;
  }

  async run(request: ExecRequest): Promise<ExecResult> {
    if (!(Number.isFinite(request.timeoutMs) && request.timeoutMs > 0)) {
      throw new RangeError(`timeoutMs must be a positive number of milliseconds, got ${request.timeoutMs}`);
    }
    if (request.maxOutputBytes !== undefined && !(Number.isInteger(request.maxOutputBytes) && request.maxOutputBytes >= 0)) {
      throw new RangeError(`maxOutputBytes must be a non-negative integer, got ${request.maxOutputBytes}`);
    }
    for (let requeues = 0; ; requeues++) {
      const connection = await this.live();
      let release: () => void;
      try {
        release = await connection.limiter.acquire();
      } catch (error) {
        if (error instanceof ChannelLimiterClosedError && requeues < MAX_REQUEUES) continue;
        throw connectionLost(this.host, `connection lost before the command started: ${connection.closeReason}`);
      }
      try {
        // The timeout covers the command, not the wait for a channel slot (bounded by the others' timeouts).
        return await runCommand(connection, request, this.runOptions);
      } finally {
        release();
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClosed(this);
    const pending = this.connecting;
    const current = this.connection;
    this.connection = null;
    await Promise.all([
      current?.end('the session was closed'),
      pending?.then(
        (c) => c.end('the session was closed'),
        () => undefined,
      ),
    ]);
  }

  private live(): Promise<SshConnection> {
    if (this.closed) {
      return Promise.reject(new ExecutionError('connection-lost', this.host.name, 'the SSH session was already closed'));
    }
    if (this.connection && !this.connection.closed) return Promise.resolve(this.connection);
    if (!this.connecting) {
      this.runOptions.log?.info({ host: this.host.name, reason: this.connection?.closeReason }, 'ssh reconnecting');
      this.connection = null;
      this.connecting = this.connect().then(
        (connection) => {
          this.connecting = null;
          if (this.closed) {
            // Not awaited: the caller is told at once; end() never rejects (it waits for the socket to close).
            void connection.end('the session was closed');
            throw new ExecutionError('connection-lost', this.host.name, 'the SSH session was closed while reconnecting');
          }
          this.connection = connection;
          return connection;
        },
        (error: unknown) => {
          this.connecting = null;
          throw error;
        },
      );
    }
    return this.connecting;
  }
}

import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Host } from '../../src/inventory/host.ts';
import { type Executor, ExecutionError, type HostSession } from '../../src/playbooks/executor.ts';
import { ConfigError } from '../../src/shared/errors.ts';
import { type ConnectionSettings, openConnection } from './connection.ts';
import { target } from './errors.ts';
import { HostKeyPolicy } from './host-key-policy.ts';
import { SshHostSession } from './ssh-session.ts';

/** Plain options, filled in by the composition root from config; the adapter reads no env or config itself. */
export interface SshExecutorOptions {
  /** Read on the first connect; a read failure is reported per host as 'auth-failed'. */
  privateKeyPath?: string;
  privateKey?: Buffer;
  /** Path of the SSH agent socket (SSH_AUTH_SOCK), tried in addition to the key. */
  agent?: string;
  knownHostsPath: string;
  /** True (default): unknown host keys are refused. False: trust on first use, recorded in knownHostsPath. */
  strictHostKeys?: boolean;
  /** TCP connect + SSH handshake + authentication. Default 20000. */
  connectTimeoutMs?: number;
  /** SSH keepalive; three unanswered ones end the connection. Default 15000. */
  keepaliveIntervalMs?: number;
  /** Concurrent exec channels per connection, 1–9: below OpenSSH's MaxSessions 10. Default 4. */
  maxChannelsPerHost?: number;
  /**
   * Also bound each command on the host with coreutils `timeout -s KILL` (timeoutMs + 1 s) on
   * non-Windows hosts. Default true: sshd ignores our KILL signal for root logins and does not
   * kill a pty-less command when the connection ends. Turn off only for hosts without `timeout`.
   */
  remoteDeadline?: boolean;
  onHostKeyLearned?: (host: Host, line: string) => void;
  log?: Logger;
}

const OPENSSH_MAX_SESSIONS = 10;

const validate = (options: SshExecutorOptions): string[] => {
  const problems: string[] = [];
  if (!options.knownHostsPath) problems.push('knownHostsPath is required (host keys are always verified)');
  if (!options.privateKey && !options.privateKeyPath && !options.agent) problems.push('set privateKeyPath, privateKey or agent: there is no other way to authenticate');
  const channels = options.maxChannelsPerHost;
  if (channels !== undefined && !(Number.isInteger(channels) && channels >= 1 && channels < OPENSSH_MAX_SESSIONS)) {
    problems.push(`maxChannelsPerHost must be an integer from 1 to ${OPENSSH_MAX_SESSIONS - 1} (OpenSSH refuses channels beyond MaxSessions ${OPENSSH_MAX_SESSIONS}), got ${channels}`);
  }
  for (const key of ['connectTimeoutMs', 'keepaliveIntervalMs'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) problems.push(`${key} must be a positive number of milliseconds, got ${value}`);
  }
  return problems;
};

/** The Executor port over SSH (ssh2): one verified connection per session, reused by all its runs. */
export class SshExecutor implements Executor {
  private readonly policy: HostKeyPolicy;
  private readonly sessions = new Set<SshHostSession>();
  private privateKey: Promise<Buffer | undefined> | null = null;
  private closed = false;

  constructor(private readonly options: SshExecutorOptions) {
    const problems = validate(options);
    if (problems.length) throw new ConfigError('ssh executor options', problems);
    this.policy = new HostKeyPolicy({
      knownHostsPath: options.knownHostsPath,
      strictHostKeys: options.strictHostKeys ?? true,
      onHostKeyLearned: options.onHostKeyLearned,
      log: options.log,
    });
  }

  async open(host: Host): Promise<HostSession> {
    if (this.closed) throw new ExecutionError('connection-lost', host.name, 'the SSH executor is shut down');
    const log = this.options.log?.child({ host: host.name });
    const connect = async () => openConnection(host, await this.settings(host, log));
    const session = new SshHostSession(host, await connect(), connect, (s) => this.sessions.delete(s), {
      remoteDeadline: this.options.remoteDeadline ?? true,
      log,
    });
    this.sessions.add(session);
    if (this.closed) await session.close();
    return session;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.sessions].map((session) => session.close()));
  }

  private async settings(host: Host, log: Logger | undefined): Promise<ConnectionSettings> {
    return {
      privateKey: await this.loadKey(host),
      agent: this.options.agent,
      connectTimeoutMs: this.options.connectTimeoutMs ?? 20_000,
      keepaliveIntervalMs: this.options.keepaliveIntervalMs ?? 15_000,
      maxChannels: this.options.maxChannelsPerHost ?? 4,
      policy: this.policy,
      log,
    };
  }

  private async loadKey(host: Host): Promise<Buffer | undefined> {
    const { privateKey, privateKeyPath } = this.options;
    if (privateKey || !privateKeyPath) return privateKey;
    this.privateKey ??= readFile(privateKeyPath);
    try {
      return await this.privateKey;
    } catch (error) {
      // Forget the failure so fixing the file does not need a restart.
      this.privateKey = null;
      throw new ExecutionError('auth-failed', host.name, `cannot read the private key ${privateKeyPath} for ${target(host)}: ${(error as Error).message}`);
    }
  }
}

export const createSshExecutor = (options: SshExecutorOptions): SshExecutor => new SshExecutor(options);

import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Host } from '../../src/inventory/host.ts';
import { type ExecRequest, type ExecResult, ExecutionError, type Executor, type HostSession, stopReason } from '../../src/playbooks/executor.ts';
import { OutputTail } from '../../src/playbooks/output-tail.ts';

const DEFAULT_MAX_OUTPUT = 64 * 1024;
const FALLBACK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** After the kill, how long to wait for the pipes to close before giving up on them. */
const KILL_GRACE_MS = 2_000;

export interface LocalExecutorOptions {
  /** Where PATH and HOME are taken from (nothing else is); default process.env. */
  baseEnv?: Readonly<Record<string, string | undefined>>;
  /** Default /bin/sh: playbooks are written for POSIX sh. */
  shell?: string;
}

/**
 * The environment of every command: an allow-list, never the service's own environment, which
 * holds tokens and passwords (PATCHBOT_*, SLACK_*, …) that a playbook step must not see.
 * LANG/LC_ALL=C because parsers read the C locale's English; TERM=dumb keeps tools from drawing.
 */
export const commandEnv = (base: Readonly<Record<string, string | undefined>>): Record<string, string> => ({
  PATH: base.PATH || FALLBACK_PATH,
  HOME: base.HOME || '/',
  LANG: 'C',
  LC_ALL: 'C',
  TERM: 'dumb',
});

/**
 * The Executor for hosts with `connection: local`: the machine patchbot runs on. Each command is
 * `/bin/sh -c <command>` in a process group of its own, so a timeout or a stop (the request's
 * signal) kills the whole tree — `apt-get` and the dpkg it started, not just the shell.
 */
export class LocalExecutor implements Executor {
  private readonly sessions = new Set<LocalSession>();
  private readonly env: Record<string, string>;
  private readonly shell: string;

  constructor(options: LocalExecutorOptions = {}) {
    this.env = commandEnv(options.baseEnv ?? process.env);
    this.shell = options.shell ?? '/bin/sh';
  }

  async open(host: Host): Promise<HostSession> {
    if (host.connection !== 'local') {
      throw new ExecutionError('unreachable', host.name, `the local executor only runs hosts with connection: local; ${host.name} has connection: ${host.connection}`);
    }
    const session = new LocalSession(host, this.shell, this.env, (s) => this.sessions.delete(s));
    this.sessions.add(session);
    return session;
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions].map((s) => s.close()));
  }
}

class LocalSession implements HostSession {
  private readonly running = new Set<ChildProcess>();
  private closed = false;

  constructor(
    readonly host: Host,
    private readonly shell: string,
    private readonly env: Record<string, string>,
    private readonly onClosed: (session: LocalSession) => void,
  ) {}

  run(request: ExecRequest): Promise<ExecResult> {
    if (!(Number.isFinite(request.timeoutMs) && request.timeoutMs > 0)) {
      return Promise.reject(new RangeError(`timeoutMs must be a positive number of milliseconds, got ${request.timeoutMs}`));
    }
    if (this.closed) return Promise.reject(new ExecutionError('connection-lost', this.host.name, 'the local session was already closed'));
    const { signal } = request;
    if (signal?.aborted) return Promise.reject(new ExecutionError('stopped', this.host.name, `not started: ${stopReason(signal)}`));
    const max = request.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const started = performance.now();
    return new Promise<ExecResult>((resolve, reject) => {
      const child = spawn(this.shell, ['-c', request.command], { detached: true, env: this.env, cwd: this.env.HOME, stdio: ['ignore', 'pipe', 'pipe'] });
      this.running.add(child);
      const stdout = new OutputTail(max);
      const stderr = new OutputTail(max);
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      let settled = false;
      let killedAt: ReturnType<typeof setTimeout> | undefined;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(killedAt);
        signal?.removeEventListener('abort', onAbort);
        this.running.delete(child);
        outcome();
      };
      // Killed (timeout or stop): the call rejects once the group is gone, never with an exit code.
      const kill = (error: () => ExecutionError) => {
        if (killedAt !== undefined || settled) return;
        killGroup(child);
        const fail = () => settle(() => reject(error()));
        child.once('close', fail);
        // A descendant that left the group (setsid) may hold the pipes open: do not wait for it.
        killedAt = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          fail();
        }, KILL_GRACE_MS);
      };
      const timer = setTimeout(
        () => kill(() => new ExecutionError('timeout', this.host.name, `command killed after ${request.timeoutMs} ms: ${firstLine(request.command)}`)),
        request.timeoutMs,
      );
      const onAbort = () => kill(() => new ExecutionError('stopped', this.host.name, `command killed: ${signal ? stopReason(signal) : 'stopped'}: ${firstLine(request.command)}`));
      signal?.addEventListener('abort', onAbort, { once: true });
      child.once('error', (error) => settle(() => reject(new ExecutionError('command-failed', this.host.name, `cannot start ${this.shell}: ${error.message}`))));
      child.once('close', (code, signal) => {
        if (killedAt !== undefined) return;
        settle(() =>
          resolve({
            exitCode: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0),
            stdout: stdout.text(),
            stderr: stderr.text(),
            truncated: stdout.truncated || stderr.truncated,
            durationMs: Math.round(performance.now() - started),
          }),
        );
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const child of this.running) killGroup(child);
    this.onClosed(this);
  }
}

/** SIGKILL to the process group (negative pid): the shell and everything it started. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

const firstLine = (command: string): string => {
  const line = command.split('\n')[0]!;
  return line.length > 80 || command.includes('\n') ? `${line.slice(0, 80)}…` : line;
};

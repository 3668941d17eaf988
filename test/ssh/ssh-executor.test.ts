import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/inventory/host.ts';
import { ExecutionError, type ExecutionErrorKind } from '../../src/playbooks/executor.ts';
import { ConfigError } from '../../src/shared/errors.ts';
import { freePort } from '../support/postgres-cluster.ts';
import { generateKey, type Sshd, sshdSkipReason, startSshd } from '../support/sshd.ts';
import { rejection } from '../support/rejection.ts';
import { createSshExecutor, type SshExecutor, type SshExecutorOptions } from '../../adapters/ssh/ssh-executor.ts';

const skip = sshdSkipReason();

/** PIDs of processes whose command line contains `marker` (pgrep never lists itself). */
const pids = (marker: string): number[] => spawnSync('pgrep', ['-f', marker], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);

/** A `sleep` command line unique to this run, so pgrep and kill never touch another run's processes. */
const uniqueSleep = (seconds: number) => `sleep ${seconds}.${randomInt(100_000, 1_000_000)}`;

const waitFor = async (check: () => boolean, timeoutMs = 10_000): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
};

const failure = async (promise: Promise<unknown>, kind: ExecutionErrorKind): Promise<ExecutionError> => {
  const error = await rejection(promise, ExecutionError);
  expect(error.kind, error.message).toBe(kind);
  return error;
};

describe('createSshExecutor options', () => {
  it('refuses options it cannot work with, saying which', () => {
    expect(() => createSshExecutor({ knownHostsPath: '/k' })).toThrow(ConfigError);
    expect(() => createSshExecutor({ knownHostsPath: '/k', privateKeyPath: '/id', maxChannelsPerHost: 10 })).toThrow(/MaxSessions/);
    expect(() => createSshExecutor({ knownHostsPath: '', agent: '/agent.sock' })).toThrow(/knownHostsPath/);
    expect(() => createSshExecutor({ knownHostsPath: '/k', agent: '/agent.sock', connectTimeoutMs: 0 })).toThrow(/connectTimeoutMs/);
  });
});

describe('connect timeout', () => {
  it('gives up on a host that accepts TCP but never speaks SSH, as unreachable', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const ssh = createSshExecutor({ agent: '/nonexistent/agent.sock', knownHostsPath: '/nonexistent/known_hosts', connectTimeoutMs: 500 });
    try {
      const host: Host = { name: 'silent', address: '127.0.0.1', port, user: 'root', os: 'debian', groups: [], tags: {}, connection: 'ssh' };
      const error = await failure(ssh.open(host), 'unreachable');
      expect(error.message).toMatch(/silent: .*did not complete the SSH handshake within 500 ms/);
    } finally {
      await ssh.close();
      silent.close();
    }
  });
});

describe.skipIf(skip)('SshExecutor against a real sshd', () => {
  let sshd: Sshd;
  let scratch: string;
  const executors: SshExecutor[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    scratch = mkdtempSync(join(sshd.dir, 'scratch-'));
  });
  afterEach(async () => {
    await Promise.all(executors.splice(0).map((e) => e.close()));
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  const hostFor = (overrides: Partial<Host> = {}): Host => ({
    name: 'sshd-test',
    address: sshd.host,
    port: sshd.port,
    user: sshd.user,
    os: 'debian',
    groups: [],
    tags: {},
    connection: 'ssh',
    ...overrides,
  });
  const executor = (options: Partial<SshExecutorOptions> = {}) => {
    const created = createSshExecutor({ privateKeyPath: sshd.clientKeyPath, knownHostsPath: sshd.knownHostsPath, ...options });
    executors.push(created);
    return created;
  };
  const open = async (options: Partial<SshExecutorOptions> = {}) => {
    return executor(options).open(hostFor());
  };
  const sshdFingerprint = () => execFileSync('ssh-keygen', ['-lf', sshd.hostPublicKeyPath], { encoding: 'utf8' }).split(' ')[1]!;

  it('runs commands and returns their output', async () => {
    const session = await open();
    const hi = await session.run({ command: 'echo hi', timeoutMs: 20_000 });
    expect(hi).toMatchObject({ exitCode: 0, stdout: 'hi\n', stderr: '', truncated: false });
    expect(hi.durationMs).toBeGreaterThanOrEqual(0);
    const uname = await session.run({ command: 'uname -a', timeoutMs: 20_000 });
    expect(uname.exitCode).toBe(0);
    expect(uname.stdout).toMatch(/^Linux /);
  });

  it('reports a non-zero exit as a result, with stderr, not as an exception', async () => {
    const session = await open();
    expect(await session.run({ command: 'echo oops >&2; exit 3', timeoutMs: 20_000 })).toMatchObject({ exitCode: 3, stdout: '', stderr: 'oops\n' });
    expect((await session.run({ command: 'no-such-command-xyz', timeoutMs: 20_000 })).exitCode).toBe(127);
  });

  it('runs without a terminal and with stdin closed, so nothing waits for input', async () => {
    const session = await open();
    expect(await session.run({ command: 'cat; test -t 0 || echo no-tty', timeoutMs: 20_000 })).toMatchObject({ exitCode: 0, stdout: 'no-tty\n' });
  });

  it('keeps only the tail of large output', async () => {
    const session = await open();
    const big = await session.run({ command: "head -c 300000 /dev/zero | tr '\\0' x; echo END", timeoutMs: 30_000 });
    expect(big.truncated).toBe(true);
    expect(big.stdout).toHaveLength(64 * 1024);
    expect(big.stdout.endsWith('xxxEND\n')).toBe(true);
    const small = await session.run({ command: "head -c 300000 /dev/zero | tr '\\0' y", timeoutMs: 30_000, maxOutputBytes: 1000 });
    expect(small).toMatchObject({ truncated: true, stdout: 'y'.repeat(1000) });
  });

  it('decodes multibyte UTF-8 whole, dropping only a character cut by the tail', async () => {
    const session = await open();
    // 5000 × "é" (2 bytes each); a 101-byte tail starts inside a character.
    const result = await session.run({ command: "for i in $(seq 1 5000); do printf '\\303\\251'; done", timeoutMs: 30_000, maxOutputBytes: 101 });
    expect(result.truncated).toBe(true);
    expect(result.stdout).toBe('é'.repeat(50));
  });

  it('refuses a host whose key differs from known_hosts, before authenticating', async () => {
    const other = generateKey(join(scratch, 'other-host-key'));
    const knownHostsPath = join(scratch, 'known_hosts_mismatch');
    writeFileSync(knownHostsPath, `[127.0.0.1]:${sshd.port} ${other.publicKey}\n`);
    const error = await failure(executor({ knownHostsPath }).open(hostFor()), 'host-key-mismatch');
    expect(error.message).toContain(sshdFingerprint());
    expect(error.message).toContain('sshd-test');
    // Trust on first use does not override a recorded key either.
    await failure(executor({ knownHostsPath, strictHostKeys: false }).open(hostFor()), 'host-key-mismatch');
    expect(readFileSync(knownHostsPath, 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ${other.publicKey}\n`);
  });

  it('refuses an unknown host under strict checking, naming its fingerprint', async () => {
    const knownHostsPath = join(scratch, 'known_hosts_empty');
    writeFileSync(knownHostsPath, '# nothing yet\n');
    const error = await failure(executor({ knownHostsPath }).open(hostFor()), 'host-key-unknown');
    expect(error.message).toContain(sshdFingerprint());
    await failure(executor({ knownHostsPath: join(scratch, 'missing', 'known_hosts') }).open(hostFor()), 'host-key-unknown');
  });

  it('trusts on first use when told to, records the key, and connects with it later', async () => {
    const knownHostsPath = join(scratch, 'tofu', 'known_hosts');
    const learned: string[] = [];
    const session = await open({ knownHostsPath, strictHostKeys: false, onHostKeyLearned: (host, line) => learned.push(`${host.name}|${line}`) });
    expect((await session.run({ command: 'echo ok', timeoutMs: 20_000 })).stdout).toBe('ok\n');
    const [type, blob] = sshd.hostPublicKey.split(' ');
    const line = `[127.0.0.1]:${sshd.port} ${type} ${blob}`;
    expect(learned).toEqual([`sshd-test|${line}`]);
    expect(readFileSync(knownHostsPath, 'utf8')).toBe(`${line}\n`);
    expect(statSync(knownHostsPath).mode & 0o777).toBe(0o600);
    const strict = await open({ knownHostsPath });
    expect((await strict.run({ command: 'echo again', timeoutMs: 20_000 })).stdout).toBe('again\n');
    await open({ knownHostsPath, strictHostKeys: false });
    expect(learned).toHaveLength(1);
  });

  it('reports a key the server does not accept as auth-failed', async () => {
    const stranger = generateKey(join(scratch, 'stranger'));
    const error = await failure(executor({ privateKeyPath: stranger.privateKeyPath }).open(hostFor()), 'auth-failed');
    expect(error.message).toContain(`${sshd.user}@127.0.0.1:${sshd.port}`);
    await failure(executor({ privateKeyPath: join(scratch, 'no-such-key') }).open(hostFor()), 'auth-failed');
  });

  it('reports a closed port as unreachable', async () => {
    const port = await freePort();
    const error = await failure(executor().open(hostFor({ name: 'closed-port', port })), 'unreachable');
    expect(error.message).toMatch(/^closed-port: .*refused/);
  });

  // A plain program call is exec'd by the host-side `timeout` directly, a script through the login shell.
  it.each([
    ['a plain program call', (sleep: string) => sleep],
    ['a shell script', (sleep: string) => `${sleep}; echo never`],
  ])('kills %s at its timeout, on the host too, and reconnects for the next run', async (_, commandOf) => {
    const session = await open();
    const sleep = uniqueSleep(31);
    const started = Date.now();
    await failure(session.run({ command: commandOf(sleep), timeoutMs: 1000 }), 'timeout');
    // About 1 s; the bound only guards against "never fired" on a slow machine.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await waitFor(() => pids(sleep).length === 0)).toBe(true);
    expect((await session.run({ command: 'echo after', timeoutMs: 20_000 })).stdout).toBe('after\n');
  });

  // sshd refuses our KILL signal for root logins (these tests log in as the user running them,
  // root in CI): the host-side watcher is what stops the command then.
  it('stops a command and its children on the host when its signal aborts, and reconnects for the next run', async () => {
    const session = await open();
    const sleep = uniqueSleep(32);
    const controller = new AbortController();
    // A timeout far beyond the test: only the stop can end these sleeps.
    const running = session.run({ command: `(${sleep} &); ${sleep}; echo never`, timeoutMs: 120_000, signal: controller.signal });
    expect(await waitFor(() => pids(sleep).length >= 2)).toBe(true);
    controller.abort(new Error('its lease was lost'));
    const error = await failure(running, 'stopped');
    expect(error.message).toContain('its lease was lost');
    expect(await waitFor(() => pids(sleep).length === 0)).toBe(true);
    await failure(session.run({ command: 'echo refused', timeoutMs: 20_000, signal: controller.signal }), 'stopped');
    expect((await session.run({ command: 'echo after', timeoutMs: 20_000 })).stdout).toBe('after\n');
  });

  it('runs a stoppable command like any other when nothing stops it: output, exit status, stdin at its end', async () => {
    const session = await open();
    const signal = new AbortController().signal;
    expect(await session.run({ command: 'echo out; echo err >&2; exit 3', timeoutMs: 20_000, signal })).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(await session.run({ command: 'cat; test -t 0 || echo no-tty', timeoutMs: 20_000, signal })).toMatchObject({ exitCode: 0, stdout: 'no-tty\n' });
    expect((await session.run({ command: 'uname -s', timeoutMs: 20_000, signal })).stdout).toBe('Linux\n');
  });

  it('reports a connection dropped mid-command as connection-lost, then reconnects', async () => {
    const session = await open();
    const sleep = uniqueSleep(32);
    const running = session.run({ command: sleep, timeoutMs: 60_000 });
    expect(await waitFor(() => pids(sleep).length > 0)).toBe(true);
    // Each client connection is one child of the listener: killing it drops the TCP connection.
    for (const pid of sshd.connectionPids()) process.kill(pid, 'SIGTERM');
    await failure(running, 'connection-lost');
    for (const pid of pids(sleep)) process.kill(pid, 'SIGKILL');
    expect((await session.run({ command: 'echo back', timeoutMs: 20_000 })).stdout).toBe('back\n');
  });

  it('runs more parallel commands than MaxSessions on one session by queueing channels', async () => {
    const session = await open();
    const runs = Array.from({ length: 25 }, (_, i) => session.run({ command: `sleep 0.2; echo ${i}`, timeoutMs: 60_000 }));
    const results = await Promise.all(runs);
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 25 }, (_, i) => `${i}\n`));
    expect(results.every((r) => r.exitCode === 0)).toBe(true);
  });

  it('closes every session on executor.close()', async () => {
    const ssh = executor();
    const session = await ssh.open(hostFor());
    await ssh.close();
    await failure(session.run({ command: 'echo late', timeoutMs: 20_000 }), 'connection-lost');
    await failure(ssh.open(hostFor()), 'connection-lost');
  });
});

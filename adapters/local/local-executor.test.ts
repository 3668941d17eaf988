import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Host } from '../../src/inventory/host.ts';
import { ExecutionError } from '../../src/playbooks/executor.ts';
import { until } from '../../test/support/until.ts';
import { commandEnv, LocalExecutor } from './local-executor.ts';

const host = Host.parse({ name: 'this-machine', address: '127.0.0.1', os: 'debian', connection: 'local' });
const executor = new LocalExecutor({ baseEnv: { ...process.env, SECRET_TOKEN: 'xoxb-must-not-leak' } });
afterAll(() => executor.close());

const run = async (command: string, timeoutMs = 10_000, maxOutputBytes?: number) => {
  const session = await executor.open(host);
  try {
    return await session.run({ command, timeoutMs, ...(maxOutputBytes === undefined ? {} : { maxOutputBytes }) });
  } finally {
    await session.close();
  }
};

/** pids whose command line contains `marker` (pgrep -f), never our own pgrep. */
const processesMatching = (marker: string): string[] => {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
};

describe('LocalExecutor', () => {
  it('reports exit codes, stdout and stderr', async () => {
    const result = await run('echo out; echo err >&2; exit 3');
    expect(result).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n', truncated: false });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect((await run('true')).exitCode).toBe(0);
    expect((await run('no-such-command-xyz')).exitCode).toBe(127);
  });

  it('keeps only the tail of long output and says so', async () => {
    const result = await run('i=0; while [ $i -lt 2000 ]; do echo line-$i; i=$((i+1)); done', 10_000, 100);
    expect(result.truncated).toBe(true);
    expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(100);
    expect(result.stdout.endsWith('line-1999\n')).toBe(true);
    expect(result.stdout).not.toContain('line-0\n');
  });

  it('reports a command killed by a signal as 128 + the signal number', async () => {
    expect((await run('kill -TERM $$')).exitCode).toBe(143);
  });

  it('kills the command and its grandchildren at the timeout', async () => {
    // A duration no other test uses: ssh-executor.test.ts runs `sleep 31.<random>` at the same time.
    const marker = 'sleep 37.31';
    expect(processesMatching(marker)).toEqual([]);
    // A background grandchild plus a foreground one: both must die with the group.
    const error = await run(`(${marker} &) ; sh -c '${marker}'`, 500).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionError);
    expect((error as ExecutionError).kind).toBe('timeout');
    // SIGKILL is delivered asynchronously: wait for the group to be gone, well before the sleeps' 37.31 s.
    await until('the killed group to be gone', async () => processesMatching(marker).length === 0, 20_000);
  });

  it('kills the command and its grandchildren when its signal aborts, and runs nothing once aborted', async () => {
    const marker = 'sleep 38.27';
    expect(processesMatching(marker)).toEqual([]);
    const session = await executor.open(host);
    try {
      const controller = new AbortController();
      const running = session.run({ command: `(${marker} &) ; sh -c '${marker}'`, timeoutMs: 60_000, signal: controller.signal }).catch((e: unknown) => e);
      await until('the command to start', async () => processesMatching(marker).length >= 2, 10_000);
      controller.abort(new Error('lease lost'));
      const error = await running;
      expect(error).toBeInstanceOf(ExecutionError);
      expect((error as ExecutionError).kind).toBe('stopped');
      expect((error as ExecutionError).message).toContain('lease lost');
      await until('the stopped group to be gone', async () => processesMatching(marker).length === 0, 20_000);
      const refused = await session.run({ command: 'true', timeoutMs: 5_000, signal: controller.signal }).catch((e: unknown) => e);
      expect((refused as ExecutionError).kind).toBe('stopped');
    } finally {
      await session.close();
    }
  });

  it('does not pass the service environment to commands', async () => {
    expect(process.env.SECRET_TOKEN).toBeUndefined();
    process.env.SECRET_TOKEN = 'xoxb-parent-secret';
    try {
      const fromProcess = await new LocalExecutor().open(host);
      const result = await fromProcess.run({ command: 'env', timeoutMs: 5_000 });
      await fromProcess.close();
      expect(result.stdout).not.toContain('SECRET_TOKEN');
      expect(result.stdout).not.toContain('xoxb-');
      const names = result.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('=')[0]);
      // sh itself adds PWD (and some add SHLVL, _); nothing else beyond the allow-list.
      expect(names.filter((n) => !['PWD', 'SHLVL', '_', 'OLDPWD'].includes(n!)).sort()).toEqual(['HOME', 'LANG', 'LC_ALL', 'PATH', 'TERM']);
    } finally {
      delete process.env.SECRET_TOKEN;
    }
    expect((await run('printf %s "${SECRET_TOKEN:-absent}"')).stdout).toBe('absent');
    expect(commandEnv({ PATH: '/bin', HOME: '/root', AWS_SECRET_ACCESS_KEY: 'x' })).toEqual({ PATH: '/bin', HOME: '/root', LANG: 'C', LC_ALL: 'C', TERM: 'dumb' });
  });

  it('refuses hosts that are not local, and runs after close', async () => {
    const remote = Host.parse({ name: 'web-1', address: '10.0.0.1', os: 'debian' });
    await expect(executor.open(remote)).rejects.toMatchObject({ kind: 'unreachable' });
    const session = await executor.open(host);
    await session.close();
    await expect(session.run({ command: 'true', timeoutMs: 1_000 })).rejects.toMatchObject({ kind: 'connection-lost' });
  });
});

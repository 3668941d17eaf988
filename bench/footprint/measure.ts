import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** Wall time of one process run to its end, in ms; it must exit 0. */
export const timeRun = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): number => {
  const start = performance.now();
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
};

/** Resident set size of a live process, in MiB (VmRSS: every thread, PGlite's worker included). */
export const rssMiB = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1]) / 1024;
};

/** A Node script run to its end; it prints one JSON line, which is returned. */
export const nodeScript = (source: string, cwd: string): Record<string, number> => {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`baseline script failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, number>;
};

export interface Service {
  pid: number;
  readyMs: number;
  stop(): Promise<void>;
}

/** `patchbot start` as `npm start` and the image run it (their V8 flags too), timed from spawn to the first 200 from /readyz. */
export const startService = async (cwd: string, args: string[], port: number): Promise<Service> => {
  const start = performance.now();
  const child = spawn(process.execPath, ['--max-semi-space-size=1', 'bin/patchbot.js', 'start', ...args], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`patchbot start exited ${child.exitCode}: ${stderr}`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const readyMs = performance.now() - start;
  return {
    pid: child.pid!,
    readyMs,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
};

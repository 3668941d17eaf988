import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.ts';
import { platform } from './platform.ts';

/** Runs the real CLI in process (same code path as bin/patchbot.js) and captures its output. */
export const cli = async (argv: string[], env: Record<string, string | undefined> = {}, cwd = process.cwd()) => {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    platform,
    io: { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: { ...env }, cwd, isTty: false },
  });
  return { code, stdout, stderr };
};

/** Writes a YAML config into a fresh temp dir and returns its path. */
export const writeConfig = (yaml: string, name = 'patchbot.yaml'): string => {
  const dir = mkdtempSync(join(tmpdir(), 'patchbot-cfg-'));
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
};

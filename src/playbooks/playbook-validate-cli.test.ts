import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import type { Platform } from '../platform.ts';

/** `patchbot playbook validate` through the real CLI entry; the command needs no store. */
const cwd = mkdtempSync(join(tmpdir(), 'patchbot-validate-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const cli = async (...argv: string[]) => {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    platform: {} as Platform,
    io: { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {}, cwd, isTty: false },
  });
  return { code, stdout, stderr };
};

writeFileSync(join(cwd, 'smoke-ok.yaml'), "name: smoke-ok\ndescription: fine\nos: [debian]\nsteps: [{ name: x, run: 'true' }]\n");
writeFileSync(join(cwd, 'apply-bad.yaml'), "name: apply-bad\ndescription: broken\nos: [debian]\nsteps: [{ name: x, run: 'echo {{what}}', timeout: soon }]\n");

describe('patchbot playbook validate', () => {
  it('prints OK per valid file and exits 0', async () => {
    expect(await cli('playbook', 'validate', 'smoke-ok.yaml')).toEqual({ code: 0, stdout: 'OK smoke-ok.yaml\n', stderr: '' });
  });

  it('prints every problem as <file>: <path>: <message> and exits 1', async () => {
    const { code, stdout } = await cli('playbook', 'validate', 'smoke-ok.yaml', 'apply-bad.yaml', 'missing.yaml');
    expect(code).toBe(1);
    expect(stdout.trim().split('\n').sort()).toEqual([
      'OK smoke-ok.yaml',
      'apply-bad.yaml: steps.0.run: {{what}} names no declared parameter; declare it under params',
      'apply-bad.yaml: steps.0.timeout: write a duration such as 30m',
      'missing.yaml: cannot read: ENOENT',
    ]);
  });

  it('validates every playbook in a folder, the shipped ones included', async () => {
    const shipped = join(import.meta.dirname, '..', '..', 'playbooks');
    const { code, stdout } = await cli('playbook', 'validate', shipped);
    expect(code).toBe(0);
    expect(stdout).toContain(`OK ${join(shipped, 'scan-debian.yaml')}\n`);
  });

  it('exits 2 without files', async () => {
    const { code, stderr } = await cli('playbook', 'validate');
    expect(code).toBe(2);
    expect(stderr).toContain('Usage: patchbot playbook validate');
  });
});

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');
const COPIED = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'bin', 'scripts', 'src', 'adapters', 'config', 'playbooks'];
// tsx and what only it needs: without them on the module path, running TypeScript is impossible,
// so a working `--help` proves the compiled code ran.
const LEFT_OUT = new Set(['tsx', 'esbuild', '@esbuild', 'get-tsconfig', 'resolve-pkg-maps']);

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));

const run = (cwd: string, script: string, args: string[]) => {
  const result = spawnSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

describe('npm run build', () => {
  let copy: string;
  let build: ReturnType<typeof run>;

  beforeAll(() => {
    // A copy of the package whose node_modules holds every installed package except tsx.
    copy = mkdtempSync(join(tmpdir(), 'patchbot-build-'));
    for (const entry of COPIED) cpSync(join(REPO, entry), join(copy, entry), { recursive: true, filter: (src) => !src.includes(`${join(REPO, 'dist')}`) });
    mkdirSync(join(copy, 'node_modules'));
    for (const name of readdirSync(join(REPO, 'node_modules'))) {
      if (!LEFT_OUT.has(name) && !name.startsWith('.')) symlinkSync(join(REPO, 'node_modules', name), join(copy, 'node_modules', name));
    }
    build = run(copy, 'scripts/build.mjs', []);
  }, 300_000);

  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('compiles sources and adapters into dist/ with their run-time files, and no tests', () => {
    expect(build.stderr).toBe('');
    expect(build.code).toBe(0);
    const files = filesUnder(join(copy, 'dist'));
    expect(files).toContain(join('src', 'main.js'));
    expect(files).toContain(join('adapters', 'postgres', 'pglite-worker.mjs'));
    expect(files).toContain(join('adapters', 'console', 'page', 'index.html'));
    expect(files.filter((f) => f.startsWith(join('adapters', 'postgres', 'migrations')) && f.endsWith('.sql')).length).toBe(
      readdirSync(join(REPO, 'adapters', 'postgres', 'migrations')).filter((f) => f.endsWith('.sql')).length,
    );
    expect(files.filter((f) => /\.test\.|\.ts$/.test(f))).toEqual([]);
  });

  it('runs `patchbot --help` and `config check` from dist without tsx', () => {
    expect(existsSync(join(copy, 'node_modules', 'tsx'))).toBe(false);
    const help = run(copy, 'bin/patchbot.js', ['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('Usage: patchbot <command>');
    const check = run(copy, 'bin/patchbot.js', ['config', 'check']);
    expect(check.stderr).not.toContain('tsx');
    expect(check.stdout + check.stderr).toMatch(/config/i);
  });

  it('refuses, naming the fix, when a source is newer than dist/ and tsx is absent', () => {
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(copy, 'src', 'main.ts'), future, future);
    const stale = run(copy, 'bin/patchbot.js', ['--help']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('dist/ is stale and tsx (a dev dependency) is not installed. Run "npm run build" first.');
  });

  it('fails the build on a type error, leaving no dist/', () => {
    const broken = join(copy, 'src', 'broken.ts');
    cpSync(join(import.meta.dirname, 'type-error.fixture.txt'), broken);
    const failed = run(copy, 'scripts/build.mjs', []);
    expect(failed.code).not.toBe(0);
    expect(failed.stdout).toContain('error TS2322');
    expect(existsSync(join(copy, 'dist'))).toBe(false);
  }, 300_000);
});

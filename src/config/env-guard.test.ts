import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEnv } from './env.ts';

const SRC = dirname(dirname(fileURLToPath(import.meta.url)));
// Spelled in two parts so this file does not trip its own check.
const NEEDLE = ['process', 'env'].join('.');

const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? tsFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [join(dir, entry.name)] : [],
  );

describe('environment access', () => {
  it('happens only in src/config/env.ts', () => {
    const readers = tsFiles(SRC)
      .filter((file) => readFileSync(file, 'utf8').includes(NEEDLE))
      .map((file) => relative(SRC, file));
    expect(readers).toEqual(['config/env.ts']);
  });

  it('hands out a copy', () => {
    const env = readEnv();
    env.PATCHBOT_TEST_SCRATCH = 'x';
    expect(readEnv().PATCHBOT_TEST_SCRATCH).toBeUndefined();
  });
});

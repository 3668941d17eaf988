import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { ConfigError } from '../../src/shared/errors.ts';

/**
 * Temp directories of config files for loader tests, removed after each test. Call once at the
 * top of a test file: it registers the cleanup hook there.
 */
export const configFixtures = () => {
  const dirs: string[] = [];
  afterEach(() => {
    while (dirs.length) rmSync(dirs.pop() as string, { recursive: true, force: true });
  });
  /** A temp dir holding the given files (paths relative to it); returns its path. */
  return (files: Record<string, string>): string => {
    const dir = mkdtempSync(join(tmpdir(), 'patchbot-config-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  };
};

/** The problems of a config load that must fail with a ConfigError. */
export const problemsOf = async (promise: Promise<unknown>): Promise<string[]> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems;
};

/**
 * The package root (the folder holding patchbot's package.json): config/ and playbooks/ live there
 * whether the code runs from src/ (tsx) or from dist/src/ (compiled), so files outside the
 * compiled tree are found from here rather than from a fixed number of `..` that differs by one
 * between the two layouts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const isPatchbotRoot = (dir: string): boolean => {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'patchbot';
  } catch {
    return false;
  }
};

const findRoot = (from: string): string => {
  for (let dir = from; ; dir = dirname(dir)) {
    if (isPatchbotRoot(dir)) return dir;
    if (dirname(dir) === dir) throw new Error(`patchbot's package.json not found above ${from}`);
  }
};

export const PACKAGE_ROOT = findRoot(import.meta.dirname);

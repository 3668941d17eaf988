import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { SlowestFirst } from './test/support/slowest-first.ts';

// Inventory files parsed by tests are cached here, not in the home directory of whoever runs them
// (global-setup.ts removes it at the end of the run).
const cacheHome = mkdtempSync(join(tmpdir(), 'patchbot-test-cache-'));

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'adapters/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    // expect.poll's own default is 1 s: too short for one browser window to see another's vote on
    // a loaded two-core machine. A poll that fails still fails, well inside a test's timeout.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 120_000,
    pool: 'forks',
    // vitest's default is one worker per core less one: a single file at a time on a 2-core machine, although most
    // test files wait on sshd, PostgreSQL and browsers rather than compute.
    maxWorkers: 2,
    // The slowest files first, from committed timings: a clean clone has no duration cache.
    sequence: { sequencer: SlowestFirst },
    env: { NO_COLOR: '1', XDG_CACHE_HOME: cacheHome },
    provide: { testCacheHome: cacheHome },
  },
});

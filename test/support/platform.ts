import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import type { Host } from '../../src/inventory/host.ts';
import { createPlatform } from '../../src/main.ts';
import type { ExecRequest, ExecResult, Executor, HostSession } from '../../src/playbooks/executor.ts';
import type { Platform } from '../../src/platform.ts';

let template: Blob | undefined;
/** The run's migrated PGlite (test/global-setup.ts), read once per test file. */
const pgliteTemplate = (): Blob => (template ??= new Blob([readFileSync(inject('pgliteTemplate'))]));

/**
 * The composition root's Platform over this test process's environment: the adapters `patchbot`
 * itself runs on. Its in-memory PGlite stores start from the run's migrated template, as
 * freshPglite's do, instead of each running initdb and every migration.
 */
export const platform = createPlatform({ ...process.env }, { memoryTemplate: pgliteTemplate });

/** A command that succeeded, printing `stdout`. */
export const execOk = (stdout = ''): ExecResult => ({ exitCode: 0, stdout, stderr: '', truncated: false, durationMs: 1 });

/**
 * The real platform, except that every host's commands, over SSH or locally, are answered by
 * `answer` (a test's script of what the hosts print): the rollout tests that need a host to fail,
 * hang or change its mind part-way.
 */
export const scriptedPlatform = (answer: (request: ExecRequest, host: Host) => Promise<ExecResult>): Platform => {
  const executor: Executor = {
    async open(host): Promise<HostSession> {
      return { host, run: (request) => answer(request, host), async close() {} };
    },
    async close() {},
  };
  return { ...platform, executors: () => ({ ssh: executor, local: executor }) };
};

import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { createPlatform } from '../../src/main.ts';

let template: Blob | undefined;
/** The run's migrated PGlite (test/global-setup.ts), read once per test file. */
const pgliteTemplate = (): Blob => (template ??= new Blob([readFileSync(inject('pgliteTemplate'))]));

/**
 * The composition root's Platform over this test process's environment: the adapters `patchbot`
 * itself runs on. Its in-memory PGlite stores start from the run's migrated template, as
 * freshPglite's do, instead of each running initdb and every migration.
 */
export const platform = createPlatform({ ...process.env }, { memoryTemplate: pgliteTemplate });

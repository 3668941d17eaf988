import { createPlatform } from '../../src/main.ts';

/** The composition root's Platform over this test process's environment: the adapters `patchbot` itself runs on. */
export const platform = createPlatform({ ...process.env });

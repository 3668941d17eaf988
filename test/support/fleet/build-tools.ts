import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

/** Writes the simulated tools, transpiled once for the run (transpile-tools.ts), into `dir`; returns the path of their entry point (tools/main.ts). */
export function buildTools(dir: string): string {
  cpSync(inject('fleetTools'), dir, { recursive: true });
  return join(dir, 'main.js');
}

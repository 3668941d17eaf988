import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Seconds each test file took in a full run (scripts/test-timings.mjs writes it from vitest's JSON report). */
export const TIMINGS_FILE = join(import.meta.dirname, 'file-timings.json');

/** Longer than any file takes: a file not listed sorts first. */
const UNLISTED = 1e9;

/**
 * Starts the slowest test files first. With two workers, a 3-minute file that starts last ends
 * the run 3 minutes after everything else; started first, the short files fill the other worker
 * meanwhile. vitest orders by its own cache of durations, which a clean clone (CI) does not have
 * (it then goes by file size, which says little about time), so the durations are committed.
 * A file not listed (new since the timings were taken) goes first, as vitest runs files it has
 * no duration for: a slow new file does not become the run's tail.
 */
export class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const timings = JSON.parse(readFileSync(TIMINGS_FILE, 'utf8')) as Record<string, number>;
    const seconds = (file: TestSpecification) => timings[relative(file.project.config.root, file.moduleId)] ?? UNLISTED;
    return [...files].sort((a, b) => seconds(b) - seconds(a));
  }
}

import { TestRunner } from 'vitest';

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export type Probe<T> = () => T | null | undefined | false | Promise<T | null | undefined | false>;

/** Left for what runs after a failed wait: the rest of the test's cleanup, afterEach and afterAll hooks. */
export const TEARDOWN_MS = 10_000;
/** A wait outside a test (a beforeAll): vitest.config.ts's hookTimeout (120 s) less TEARDOWN_MS. */
export const OUTSIDE_TEST_MS = 110_000;

/**
 * How long a wait may take when its caller does not say: what the running test has left of its
 * timeout, less TEARDOWN_MS (at least a second), or OUTSIDE_TEST_MS outside a test. A test with a
 * longer timeout of its own (a 300 s rollout) gets longer waits without asking.
 */
export const defaultWait = (now = Date.now()): { ms: number; why: string } => {
  const test = TestRunner.getCurrentTest();
  const started = test?.result?.startTime;
  if (!test?.timeout || started === undefined) return { ms: OUTSIDE_TEST_MS, why: 'the default outside a test' };
  return { ms: Math.max(1_000, test.timeout - (now - started) - TEARDOWN_MS), why: `what the test had left of its ${seconds(test.timeout)}, less ${seconds(TEARDOWN_MS)} for teardown` };
};

/**
 * Polls `probe` until it returns something truthy (returned) or `timeoutMs` passes (thrown, naming
 * `what`): for tests that wait on workers, jobs and other processes without sleeping blind. The
 * default ends the wait before the test's own timeout would, so a condition that never comes true
 * fails as "timed out after 48 s … waiting for the halt card", not as a bare "Test timed out".
 */
export const until = async <T>(what: string, probe: Probe<T>, timeoutMs?: number, everyMs = 100): Promise<T> => {
  const started = Date.now();
  const { ms, why } = timeoutMs === undefined ? defaultWait(started) : { ms: timeoutMs, why: null };
  const deadline = started + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds(ms)}${why ? ` (${why})` : ''} waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
};

/** `until` at chat speed: a harness waiting on a fake's posts polls every 50 ms for up to 30 s (less when the test has less left). */
export const waitFor = <T>(what: string, probe: Probe<T>, timeoutMs?: number): Promise<T> => until(what, probe, timeoutMs ?? Math.min(30_000, defaultWait().ms), 50);

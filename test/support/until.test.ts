import { beforeAll, describe, expect, it } from 'vitest';
import { defaultWait, OUTSIDE_TEST_MS, TEARDOWN_MS, until, waitFor } from './until.ts';

/**
 * until() must give up before the test around it does, so what never came true is named in the
 * failure instead of a bare "Test timed out in 60000ms", and leave time for the test's cleanup.
 */
describe('until', () => {
  let inHook = 0;
  beforeAll(() => {
    inHook = defaultWait().ms;
  });

  it('returns what the probe found', async () => {
    let calls = 0;
    expect(await until('the third call', () => ++calls >= 3 && calls, 1_000, 1)).toBe(3);
  });

  it('names what it waited for, and for how long, when it gives up', async () => {
    await expect(until('the moon to rise', () => false, 200, 10)).rejects.toThrow('timed out after 0.2 s waiting for the moon to rise');
  });

  it('waits by default for what the test has left, less time for teardown', () => {
    // vitest.config.ts: testTimeout 60 s.
    const { ms, why } = defaultWait();
    expect(ms).toBeLessThanOrEqual(60_000 - TEARDOWN_MS);
    expect(ms).toBeGreaterThan(60_000 - TEARDOWN_MS - 5_000);
    expect(why).toBe('what the test had left of its 60 s, less 10 s for teardown');
    expect(inHook).toBe(OUTSIDE_TEST_MS);
  });

  it('gives up with its own message inside a short test, not with the test timing out', { timeout: 4_000 }, async () => {
    const error = await until('a condition that never comes true', () => false).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^timed out after 1 s \(what the test had left of its 4 s, less 10 s for teardown\) waiting for a condition that never comes true$/);
    await expect(waitFor('a post that never comes', () => null)).rejects.toThrow(/waiting for a post that never comes$/);
  });
});

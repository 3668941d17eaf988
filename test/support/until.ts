/**
 * Polls `probe` until it returns something truthy (returned) or `timeoutMs` passes (thrown,
 * naming `what`): for tests that wait on workers, jobs and other processes without sleeping blind.
 */
export type Probe<T> = () => T | null | undefined | false | Promise<T | null | undefined | false>;

export const until = async <T>(what: string, probe: Probe<T>, timeoutMs = 120_000, everyMs = 100): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
};

/** `until` at chat speed: a harness waiting on a fake's posts polls every 50 ms for up to 30 s. */
export const waitFor = <T>(what: string, probe: Probe<T>, timeoutMs = 30_000): Promise<T> => until(what, probe, timeoutMs, 50);

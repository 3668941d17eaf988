/**
 * Polls `probe` until it returns something truthy (returned) or `timeoutMs` passes (thrown,
 * naming `what`): for tests that wait on workers, jobs and other processes without sleeping blind.
 */
export const until = async <T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 120_000, everyMs = 100): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
};

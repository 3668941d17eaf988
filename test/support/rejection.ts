import { expect } from 'vitest';

/** Awaits a promise that must reject with an instance of `type`, and hands the error back for further checks. */
export const rejection = async <E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
};

/** One repository call: `findings.pendingIn`, with the arguments it was given. */
export interface RecordedCall {
  call: string;
  args: unknown[];
}

/**
 * `store` as it is, each repository call recorded on its way through (`repo.method` and its
 * arguments), inside transactions too: what a use case reads, and over which hosts, without
 * timing anything. Nothing is changed or stubbed; the real store answers every call.
 */
export const recordedCalls = <S extends object>(store: S): { store: S; calls: RecordedCall[]; named: (call: string) => RecordedCall[] } => {
  const calls: RecordedCall[] = [];
  const repository = (name: string, repo: object): object =>
    new Proxy(repo, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push({ call: `${name}.${String(key)}`, args });
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const wrap = (inner: object): object =>
    new Proxy(inner, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (key === 'transaction' && typeof value === 'function') {
          return (work: (tx: object) => Promise<unknown>) => (value as (w: (tx: object) => Promise<unknown>) => Promise<unknown>).call(target, (tx: object) => work(wrap(tx)));
        }
        return value !== null && typeof value === 'object' && !Array.isArray(value) ? repository(String(key), value) : value;
      },
    });
  return { store: wrap(store) as S, calls, named: (call) => calls.filter((c) => c.call === call) };
};

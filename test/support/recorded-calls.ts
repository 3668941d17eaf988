/** One repository call: `findings.pendingIn`, with the arguments it was given. */
export interface RecordedCall {
  call: string;
  args: unknown[];
}

export interface Recording<S> {
  store: S;
  calls: RecordedCall[];
  named: (call: string) => RecordedCall[];
}

type Work = (tx: object) => Promise<unknown>;

const isRepository = (value: unknown): value is object => value !== null && typeof value === 'object' && !Array.isArray(value);

const recorder = (calls: RecordedCall[]) => {
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
        if (key === 'transaction' && typeof value === 'function') return (work: Work) => (value as (w: Work) => Promise<unknown>).call(target, (tx) => work(wrap(tx)));
        return isRepository(value) ? repository(String(key), value) : value;
      },
    });
  return { repository, wrap };
};

const recording = <S>(store: S, calls: RecordedCall[]): Recording<S> => ({ store, calls, named: (call) => calls.filter((c) => c.call === call) });

/**
 * `store` as it is, each repository call recorded on its way through (`repo.method` and its
 * arguments), inside transactions too: what a use case reads, and over which hosts, without
 * timing anything. Nothing is changed or stubbed; the real store answers every call.
 */
export const recordedCalls = <S extends object>(store: S): Recording<S> => {
  const calls: RecordedCall[] = [];
  return recording(recorder(calls).wrap(store) as S, calls);
};

/**
 * The same, recorded on `store` itself (its repositories and `transaction` replaced by recording
 * ones), for a runtime that must be handed the very store its platform opened.
 */
export const recordCallsOn = <S extends object>(store: S): Recording<S> => {
  const calls: RecordedCall[] = [];
  const { repository, wrap } = recorder(calls);
  const target = store as Record<string, unknown>;
  for (const [key, value] of Object.entries(target)) if (isRepository(value)) target[key] = repository(key, value);
  const transaction = target.transaction as (work: Work) => Promise<unknown>;
  target.transaction = (work: Work) => transaction.call(store, (tx) => work(wrap(tx)));
  return recording(store, calls);
};

/**
 * The feature-free parts of the store port. Each feature declares the repositories it needs in its
 * own folder (src/changes/change-store.ts, src/discovery/discovery-store.ts, …) and a use case asks
 * for the ones it uses, e.g. `ChangeRepos & AuditRepos & Transactional<ChangeRepos & AuditRepos>`.
 * The whole store, every feature's repositories at once, is only known where it is wired
 * (src/patchbot-store.ts) and implemented (adapters/postgres). Nothing here imports a feature.
 */

export interface Transactional<R> {
  /** Runs `work` in one transaction; the repositories passed in are bound to it. Throwing rolls back. */
  transaction<T>(work: (tx: R) => Promise<T>): Promise<T>;
}

export interface StoreLifecycle {
  /** Store health for /readyz: reachable and migrated. */
  health(): Promise<{ ok: boolean; detail: string }>;
  close(): Promise<void>;
}

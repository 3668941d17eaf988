export interface IdempotencyRepository {
  /** True the first time a key is claimed; false for retries and double clicks, across replicas. */
  claim(key: string, at: Date): Promise<boolean>;
  /** Forgets keys claimed before `before` (housekeeping); returns how many. */
  prune(before: Date): Promise<number>;
}

export interface IdempotencyRepos {
  idempotency: IdempotencyRepository;
}

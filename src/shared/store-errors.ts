import { PatchbotError } from './errors.ts';

/*
 * What a store refuses, in our words and free of any feature: the storage adapter translates its
 * engine's integrity errors into these at the edge, so callers and the contract suite never read
 * an engine's error codes.
 */

/** A write named something the store does not have (a finding for a patch it does not know, …). */
export class MissingReferenceError extends PatchbotError {
  /** The rule that refused it, as the store names it (a constraint), when known. */
  readonly rule: string | null;
  constructor(message: string, rule: string | null = null, cause?: unknown) {
    super('store-missing-reference', message);
    this.rule = rule;
    if (cause !== undefined) this.cause = cause;
  }
}

/** A write would have stored a second record under a key that must be unique. */
export class DuplicateKeyError extends PatchbotError {
  readonly rule: string | null;
  constructor(message: string, rule: string | null = null, cause?: unknown) {
    super('store-duplicate-key', message);
    this.rule = rule;
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * The store could not be reached (the database restarting, a network cut): nothing was done, and
 * the same request later may well succeed. Chat says so instead of "something went wrong".
 */
export class StoreUnavailableError extends PatchbotError {
  /** What the driver said; for the log only, as it may name hosts and ports. */
  readonly detail: string;
  constructor(detail: string, cause?: unknown) {
    super('store-unavailable', 'The database is unavailable, try again in a moment.');
    this.detail = detail;
    if (cause !== undefined) this.cause = cause;
  }
}

import type { HostScope } from '../../src/discovery/discovery-store.ts';

/**
 * A scope's hosts as a row source with one column, `name`: every host of the inventory, or the
 * names given (bound as one array parameter, appended to `params`).
 */
export const scopeRows = (scope: HostScope, params: unknown[]): string => {
  if (scope === null) return '(select name from hosts)';
  params.push(scope);
  return `(select distinct unnest($${params.length}::text[]) as name)`;
};

/** A JSON timestamp (json_agg renders timestamptz as ISO text) as a Date; null stays null. */
export const jsonDate = (value: string | null): Date | null => (value === null ? null : new Date(value));

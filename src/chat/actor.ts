import type { Person } from '../people/person.ts';

/** Who did it: the configured Person when the surface account maps to one (authorization is by person). */
export interface Actor {
  /** null when the surface account is not a configured person: read-only answers only. */
  person: Person | null;
  /** The account on the surface (Slack U…, Teams aadObjectId, console name, `cli`). */
  surfaceUserId: string;
  displayName: string;
}

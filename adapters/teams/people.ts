import type { Actor } from '../../src/chat/actor.ts';
import type { Logger } from '../../src/shared/logger.ts';
import type { PeopleRepos } from '../../src/people/people-store.ts';
import type { RosterMember } from './schema.ts';

export interface TeamsPeople {
  /**
   * The Actor for a Teams account: the person whose `teams` is its AAD object id, else the person
   * whose `email` is the member's email or UPN in the conversation's roster (home-tenant members
   * only), else nobody.
   */
  actor(from: { id: string; name?: string | undefined; aadObjectId?: string | undefined }, roster: () => Promise<RosterMember>): Promise<Actor>;
}

export interface TeamsPeopleOptions {
  store: PeopleRepos;
  /** The home tenant: only its own members are matched by email. */
  tenantId: string;
  log: Logger;
  ttlMs?: number;
  now?: () => number;
}

/**
 * Whether the roster's email or UPN may name a person: a member of the home tenant, not a guest.
 * A guest's or another tenant's `email` is whatever that organisation's admins typed.
 */
const emailTrusted = (member: RosterMember, tenantId: string): boolean =>
  (member.tenantId === undefined || member.tenantId.toLowerCase() === tenantId.toLowerCase()) && member.userRole !== 'guest' && member.userRole !== 'anonymous';

/**
 * Accounts → people, cached for ten minutes (a CAB vote must not cost a roster call per click).
 * "Nobody" is cached too; a failed look-up is not. The surface user id is the AAD object id where
 * Teams gives one, so a 1:1 chat can be opened with it later.
 */
export const createTeamsPeople = ({ store, tenantId, log, ttlMs = 10 * 60_000, now = Date.now }: TeamsPeopleOptions): TeamsPeople => {
  const cache = new Map<string, { expires: number; actor: Promise<Actor> }>();

  const lookUp = async (from: Parameters<TeamsPeople['actor']>[0], roster: () => Promise<RosterMember>): Promise<Actor> => {
    const userId = from.aadObjectId ?? from.id;
    const byTeams = from.aadObjectId ? await store.people.findBy('teams', from.aadObjectId) : null;
    if (byTeams) return { person: byTeams, surfaceUserId: userId, displayName: byTeams.name };
    let member: RosterMember | undefined;
    try {
      member = await roster();
    } catch (error) {
      // No roster entry means no person: they can still ask, and their votes are refused politely.
      log.warn({ user: from.id, err: error }, 'teams roster look-up failed');
    }
    const email = member && emailTrusted(member, tenantId) ? (member.email ?? member.userPrincipalName) : undefined;
    const byEmail = email ? ((await store.people.findBy('email', email)) ?? (await store.people.findBy('email', email.toLowerCase()))) : null;
    return { person: byEmail, surfaceUserId: member?.aadObjectId ?? userId, displayName: byEmail?.name ?? member?.name ?? from.name ?? userId };
  };

  return {
    actor(from, roster) {
      const at = now();
      const hit = cache.get(from.id);
      if (hit && hit.expires > at) return hit.actor;
      if (cache.size >= 5000) cache.delete(cache.keys().next().value as string);
      const actor = lookUp(from, roster);
      cache.set(from.id, { expires: at + ttlMs, actor });
      actor.catch(() => cache.delete(from.id));
      return actor;
    },
  };
};

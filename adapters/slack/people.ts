import type { Actor } from '../../src/chat/actor.ts';
import type { Logger } from '../../src/shared/logger.ts';
import type { PeopleRepos } from '../../src/people/people-store.ts';
import { type UsersInfo as UsersInfoShape, UsersInfo } from './schema.ts';
import type { SlackHome } from './startup-checks.ts';

export interface PeopleOptions {
  store: PeopleRepos;
  /** `users.info` for one user id (needs the users:read and users:read.email scopes). */
  usersInfo: (user: string) => Promise<unknown>;
  /** Our workspace (auth.test): another organisation's members are never matched by email. */
  home: SlackHome;
  log: Logger;
  /** How long an answer is reused; people come from config, which changes only with a restart. */
  ttlMs?: number;
  /** Entries kept at most (a big workspace must not grow the cache without bound). */
  maxEntries?: number;
  now?: () => number;
}

export interface SlackPeople {
  /** The Actor for a Slack user: a configured person (by `people[].slack`, then by email) or nobody. */
  actor(userId: string, nameHint?: string): Promise<Actor>;
}

const DEFAULT_TTL_MS = 10 * 60_000;

/**
 * Whether the email Slack holds for an account may name a person: a member of our workspace, or
 * of our Enterprise Grid organisation. A Slack Connect member's email is whatever their own
 * organisation's admins set, so it names nobody (list such a person by `slack` id).
 */
const emailTrusted = (user: UsersInfoShape['user'], home: SlackHome): boolean =>
  user.is_stranger !== true && (user.team_id === home.teamId || (home.enterpriseId !== undefined && user.enterprise_user?.enterprise_id === home.enterpriseId));

/**
 * Slack accounts → configured people. By `people[].slack` first (no API call); else by the email
 * Slack holds for the account (`users.info`, members of our own workspace only), so a team can
 * list people by email only. Answers,
 * including "nobody", are cached with a TTL so a CAB vote does not cost a users.info per click;
 * concurrent look-ups of one user share one call.
 */
export const createSlackPeople = ({ store, usersInfo, home, log, ttlMs = DEFAULT_TTL_MS, maxEntries = 5000, now = Date.now }: PeopleOptions): SlackPeople => {
  const cache = new Map<string, { expires: number; actor: Promise<Actor> }>();

  const lookUp = async (userId: string, nameHint: string | undefined): Promise<Actor> => {
    const bySlack = await store.people.findBy('slack', userId);
    if (bySlack) return { person: bySlack, surfaceUserId: userId, displayName: bySlack.name };
    let info: UsersInfoShape['user'] | undefined;
    try {
      info = UsersInfo.parse(await usersInfo(userId)).user;
    } catch (error) {
      // No email means no person: the user can still ask questions, and votes are refused politely.
      log.warn({ user: userId, err: error }, 'slack users.info failed');
    }
    const email = info && emailTrusted(info, home) ? info.profile?.email : undefined;
    const byEmail = email ? ((await store.people.findBy('email', email)) ?? (await store.people.findBy('email', email.toLowerCase()))) : null;
    const shown = byEmail?.name ?? (info?.profile?.display_name || info?.real_name || info?.name || nameHint || userId);
    return { person: byEmail, surfaceUserId: userId, displayName: shown };
  };

  return {
    actor(userId, nameHint) {
      const at = now();
      const hit = cache.get(userId);
      if (hit && hit.expires > at) return hit.actor;
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
      const actor = lookUp(userId, nameHint);
      cache.delete(userId);
      cache.set(userId, { expires: at + ttlMs, actor });
      // A failed look-up (the store was down) is not remembered.
      actor.catch(() => cache.delete(userId));
      return actor;
    },
  };
};

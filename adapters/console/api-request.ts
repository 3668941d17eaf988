import type { IncomingMessage } from 'node:http';
import type { PeopleRepos } from '../../src/people/people-store.ts';
import type { Person } from '../../src/people/person.ts';
import type { ConsoleAccess, Identity } from './auth.ts';
import { HttpError, type RequestContext } from '../../src/server/router.ts';
import { closestMatches } from '../../src/shared/closest-matches.ts';
import { type ChannelView, channelsOf } from './views.ts';

/** A refusal with a specific message, and extra fields (suggestions) for the JSON body. */
export class ConsoleApiError extends Error {
  readonly status: number;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ConsoleApiError';
    this.status = status;
    this.extra = extra;
    this.headers = headers;
  }
}

/** Bodies are small (a line of text, two ids); anything larger is not from the console. */
const BODY_LIMIT = 64 * 1024;

export const readJsonObject = async (ctx: RequestContext): Promise<Record<string, unknown>> => {
  const raw = (await ctx.readBody({ limit: BODY_LIMIT })).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new ConsoleApiError(400, 'the body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ConsoleApiError(400, 'the body must be a JSON object');
  return body as Record<string, unknown>;
};

export const stringField = (body: Record<string, unknown>, name: string, { optional = false, max = 200 } = {}): string | undefined => {
  const value = body[name];
  if (value === undefined || value === null) {
    if (optional) return undefined;
    throw new ConsoleApiError(400, `\`${name}\` is required`);
  }
  if (typeof value !== 'string' || value.trim() === '') throw new ConsoleApiError(400, `\`${name}\` must be a non-empty string`);
  if (value.length > max) throw new ConsoleApiError(400, `\`${name}\` is longer than ${max} characters`);
  return value;
};

const ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** A client-chosen interaction id (a retried POST repeats it), checked so it cannot smuggle anything. */
export const clientId = (body: Record<string, unknown>): string | undefined => {
  const id = stringField(body, 'id', { optional: true, max: 100 });
  if (id !== undefined && !ID.test(id)) throw new ConsoleApiError(400, '`id` may hold only letters, digits and . _ : - (at most 100)');
  return id;
};

/**
 * The acting person. In demo mode whoever `as` names; otherwise the signed-in person or the access
 * token's owner, and `as` naming anyone else is refused: one person must not speak as three.
 */
export const actingPerson = async (store: PeopleRepos, identity: Identity, asked: string | null | undefined): Promise<Person> => {
  if (identity.kind === 'demo') return resolvePerson(store, asked);
  if (identity.kind === 'anonymous') {
    throw new ConsoleApiError(
      403,
      'this request acts as nobody: server.token and loopback let a client reach the console, not speak as a person outside demo mode; sign in at /auth/login, or send a personal access token (`patchbot token create --as NAME`)',
    );
  }
  const how = identity.via === 'session' ? 'you are signed in as' : 'this access token acts as';
  if (asked && asked !== identity.name) throw new ConsoleApiError(403, `${how} ${identity.name} and nobody else; \`as=${asked}\` is refused`);
  const person = await store.people.get(identity.name);
  if (!person) throw new ConsoleApiError(403, `${identity.name} is no longer in people[] of the config`);
  return person;
};

/**
 * Whether a request's credentials still act as `name`; an open live stream asks again and again.
 * The rules of actingPerson on a fresh look at the credentials: false once the session ended, the
 * token was revoked or the person left people[]. Throws when it cannot tell (the store is away),
 * and the caller then keeps what it has.
 */
export const stillActsAs = async (access: Pick<ConsoleAccess, 'identify'>, store: PeopleRepos, req: IncomingMessage, name: string): Promise<boolean> => {
  try {
    await actingPerson(store, await access.identify(req), name);
    return true;
  } catch (error) {
    if (error instanceof HttpError || error instanceof ConsoleApiError) return false;
    throw error;
  }
};

/** The acting person, by name; an unknown name gets the closest configured ones. */
const resolvePerson = async (store: PeopleRepos, name: string | null | undefined): Promise<Person> => {
  if (!name) throw new ConsoleApiError(400, '`as` is required: the configured person acting (GET /api/console/people lists them)');
  const person = await store.people.get(name);
  if (person) return person;
  const names = (await store.people.list()).map((p) => p.name);
  const suggestions = closestMatches(name, names);
  const hint = suggestions.length ? `; did you mean ${suggestions.join(', ')}?` : `; configured people: ${names.join(', ') || 'none'}`;
  throw new ConsoleApiError(400, `no person named "${name}" in the config${hint}`, { suggestions });
};

/** One of the person's channels; any other name (someone else's DM included) is not found. */
export const resolveChannel = (person: Person, name: string | null | undefined): ChannelView => {
  const channels = channelsOf(person.name);
  const channel = channels.find((c) => c.name === name);
  if (channel) return channel;
  throw new ConsoleApiError(404, `no channel "${name ?? ''}" for ${person.name}; channels: ${channels.map((c) => c.name).join(', ')}`);
};

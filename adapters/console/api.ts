import { StoreUnavailableError } from '../../src/shared/store-errors.ts';
import type { ChatHub } from '../../src/chat/chat-hub.ts';
import type { Config } from '../../src/config/schema.ts';
import { HttpError, type RequestContext, sendJson } from '../../src/server/router.ts';
import { readHandlers } from './api-read.ts';
import { actingPerson, ConsoleApiError, stillActsAs } from './api-request.ts';
import { writeHandlers } from './api-write.ts';
import type { ConsoleAccess, Identity } from './auth.ts';
import type { ConsoleSurface } from './console-surface.ts';
import { type LiveViews, resumeFrom } from './events.ts';
import type { ConsoleStore } from './console-history.ts';

export const API_PREFIX = '/api/console';

export interface ApiOptions {
  surface: ConsoleSurface;
  hub: ChatHub;
  store: ConsoleStore;
  config: Config;
  access: ConsoleAccess;
  live: LiveViews;
  /** Where a browser signs in, when OpenID Connect is configured. */
  signIn: boolean;
}

const decodeSegment = (segment: string, what: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ConsoleApiError(400, `the ${what} in the path is not valid percent-encoding: ${segment}`);
  }
};

/** What the page needs to know about who it is: the picker only in demo mode, and says so. */
const sessionView = (identity: Identity, signIn: boolean) => {
  if (identity.kind === 'demo') return { mode: 'demo', notice: 'Demo mode: anyone who can reach this page acts as anyone. Real teams sign in (docs/console.md).' };
  if (identity.kind === 'person') return { mode: 'person', person: identity.name, via: identity.via, ...(identity.via === 'session' ? { signOut: '/auth/logout' } : {}) };
  return { mode: 'anonymous', ...(signIn ? { signIn: '/auth/login' } : {}) };
};

type Route = { method: 'GET' | 'POST'; path: RegExp; run: (ctx: RequestContext, match: RegExpExecArray, identity: Identity) => Promise<void> };

/** The console's JSON API under /api/console (docs/console.md has every endpoint with curl). */
export const consoleApi = ({ surface, hub, store, config, access, live, signIn }: ApiOptions) => {
  const read = readHandlers({ store, config });
  const write = writeHandlers({ store, surface, hub });
  const routes: Route[] = [
    { method: 'GET', path: /^\/session$/, run: async (ctx, _m, identity) => sendJson(ctx.res, 200, sessionView(identity, signIn)) },
    { method: 'GET', path: /^\/people$/, run: (ctx) => read.people(ctx) },
    { method: 'GET', path: /^\/channels$/, run: (ctx, _m, identity) => read.channels(ctx, identity) },
    { method: 'GET', path: /^\/channels\/([^/]+)\/messages$/, run: (ctx, m, identity) => read.messages(ctx, identity, decodeSegment(m[1]!, 'channel name')) },
    { method: 'GET', path: /^\/compliance$/, run: (ctx) => read.compliance(ctx) },
    { method: 'GET', path: /^\/changes\/([^/]+)\/waves$/, run: (ctx, m, identity) => read.waves(ctx, identity, decodeSegment(m[1]!, 'change id')) },
    {
      method: 'GET',
      path: /^\/events$/,
      run: async (ctx, _m, identity) => {
        const person = await actingPerson(store, identity, ctx.url.searchParams.get('as'));
        const lastEventId = ctx.req.headers['last-event-id'];
        const from = resumeFrom(Array.isArray(lastEventId) ? lastEventId[0] : lastEventId, ctx.url.searchParams.get('since'));
        // Demo mode has nobody to sign out; everyone else's stream lasts only while their credentials do.
        await live.open(ctx.res, person.name, from, identity.kind === 'person' ? () => stillActsAs(access, store, ctx.req, person.name) : undefined);
      },
    },
    { method: 'POST', path: /^\/messages$/, run: (ctx, _m, identity) => write.post(ctx, identity) },
    { method: 'POST', path: /^\/actions$/, run: (ctx, _m, identity) => write.click(ctx, identity) },
  ];

  return async (ctx: RequestContext): Promise<void> => {
    const method = ctx.req.method === 'HEAD' ? 'GET' : ctx.req.method;
    // Before routing: a stranger learns nothing, not even which endpoints exist.
    const identity = await access.identify(ctx.req);
    if (method !== 'GET') access.checkWrite(ctx.req);
    const matching = routes.map((route) => ({ route, match: route.path.exec(ctx.subpath) })).filter((r) => r.match);
    if (!matching.length) return sendJson(ctx.res, 404, { error: `no console endpoint ${ctx.subpath}; see docs/console.md` });
    const hit = matching.find((r) => r.route.method === method);
    if (!hit) return sendJson(ctx.res, 405, { error: 'method not allowed' }, { allow: matching.map((r) => r.route.method).join(', ') });
    try {
      await hit.route.run(ctx, hit.match!, identity);
    } catch (error) {
      // The database away: the page shows what chat says, and may simply try again.
      if (error instanceof StoreUnavailableError && !ctx.res.headersSent) return sendJson(ctx.res, 503, { error: error.message, code: error.code }, { 'retry-after': '5' });
      if (!(error instanceof ConsoleApiError)) throw error;
      if (ctx.res.headersSent) throw new HttpError(error.status, error.message, error.headers);
      sendJson(ctx.res, error.status, { error: error.message, ...error.extra }, error.headers);
    }
  };
};

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { newSigningKey, type SigningKey } from './jwt.ts';
import { createSender } from './sender.ts';
import { baseOf, FakeTenant, type FakeUser } from './state.ts';
import { loopbackTls } from './tls.ts';

export type { FakePost, FakeUser } from './state.ts';

export const APP_ID = '0a1b2c3d-1111-2222-3333-444455556666';
export const APP_PASSWORD = 'fake~teams~client~secret~0123456789';
export const TENANT_ID = '72f988bf-0000-1111-2222-333344445555';
export const BOT_ISSUER = 'https://api.botframework.com';

export interface FakeTeamsOptions {
  users?: FakeUser[];
}

const readAll = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  void res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));

/**
 * A stateful loopback Bot Framework over TLS (DESIGN §9): the channel's OpenID metadata and JWKS
 * (keys with endorsements), an Entra ID authority (OpenID configuration and a client-credentials
 * token endpoint that refuses a wrong secret), and the Connector REST API — create conversation,
 * send, reply, update, roster member — accepting only tokens it issued, with 429 + Retry-After on
 * demand. It also plays the channel towards the bot: activities signed as Teams signs them.
 */
export const startFakeTeams = async (options: FakeTeamsOptions = {}) => {
  const tls = loopbackTls();
  const tenant = new FakeTenant();
  for (const user of options.users ?? []) tenant.users.set(user.id, user);
  const teamsKey = newSigningKey('fake-teams-key', ['msteams', 'skype']);
  const webchatKey = newSigningKey('fake-webchat-key', ['webchat']);
  const published: SigningKey[] = [teamsKey, webchatKey];
  let throttle = { times: 0, retryAfterSec: 1 };
  let withoutId = 0;
  let base = '';

  const connector = async (req: IncomingMessage, res: ServerResponse, path: string, raw: string) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !tenant.tokens.has(token)) return json(res, 401, { error: { code: 'Unauthorized', message: 'Authorization has been denied for this request.' } });
    if (throttle.times > 0) {
      throttle.times -= 1;
      return json(res, 429, { error: { code: 'TooManyRequests', message: 'Too many requests' } }, { 'retry-after': String(throttle.retryAfterSec) });
    }
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const parts = path.split('/').slice(2).map(decodeURIComponent); // ['conversations', id?, 'activities'|'members', id?]
    if (req.method === 'POST' && parts.length === 1) {
      const channel = (body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
      const activity = body.activity as Record<string, unknown> | undefined;
      if (channel) {
        const post = tenant.record(channel, activity ?? {});
        if (withoutId > 0) {
          withoutId -= 1;
          return void res.writeHead(202).end();
        }
        return json(res, 201, { id: `${channel};messageid=${post.id}`, activityId: post.id });
      }
      const member = ((body.members as { id: string }[] | undefined) ?? [])[0]?.id;
      const user = member ? tenant.user(member) : undefined;
      if (!user) return json(res, 400, { error: { code: 'BadArgument', message: 'Unknown member' } });
      const chat = tenant.chats.get(member!) ?? `a:1${user.aadObjectId}`;
      tenant.chats.set(member!, chat);
      return json(res, 201, { id: chat });
    }
    const [, conversation = '', kind, id] = parts;
    if (req.method === 'POST' && kind === 'activities') return json(res, 201, { id: tenant.record(conversation, body, id).id });
    if (req.method === 'PUT' && kind === 'activities' && id) {
      return tenant.update(conversation, id, body) ? json(res, 200, { id }) : json(res, 404, { error: { code: 'ActivityNotFoundInConversation', message: 'not found' } });
    }
    if (req.method === 'GET' && kind === 'members' && id) {
      const user = tenant.user(id);
      if (!user) return json(res, 404, { error: { code: 'MemberNotFoundInConversation', message: 'not found' } });
      return json(res, 200, {
        id: user.id,
        name: user.name,
        aadObjectId: user.aadObjectId,
        ...(user.email ? { email: user.email, userPrincipalName: user.email } : {}),
        ...(user.tenantId ? { tenantId: user.tenantId } : {}),
        ...(user.userRole ? { userRole: user.userRole } : {}),
      });
    }
    return json(res, 404, { error: { code: 'NotFound', message: `${req.method} ${path}` } });
  };

  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    void (async () => {
      const raw = await readAll(req);
      const path = new URL(req.url ?? '/', 'https://fake.invalid').pathname;
      const done = (status: number) => tenant.calls.push({ method: req.method ?? '', path, status });
      res.once('finish', () => done(res.statusCode));
      if (path === '/v1/.well-known/openidconfiguration') {
        return json(res, 200, {
          issuer: BOT_ISSUER,
          jwks_uri: `${base}/v1/.well-known/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
        });
      }
      if (path === '/v1/.well-known/keys') return json(res, 200, { keys: published.map((k) => k.jwk) });
      const authority = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
      if (authority) {
        const t = authority[1]!;
        return json(res, 200, {
          token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
          issuer: `${base}/${t}/v2.0`,
          jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
          response_types_supported: ['code', 'id_token', 'token'],
        });
      }
      if (/^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path) && req.method === 'POST') {
        const form = new URLSearchParams(raw);
        if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== APP_ID || form.get('client_secret') !== APP_PASSWORD) {
          return json(res, 401, {
            error: 'invalid_client',
            error_description: 'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
            error_codes: [7000215],
          });
        }
        const accessToken = randomBytes(24).toString('base64url');
        tenant.tokens.add(accessToken);
        return json(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
      }
      if (path.startsWith('/v3/conversations')) return connector(req, res, path, raw);
      return json(res, 404, { error: 'not found' });
    })().catch((error: Error) => res.writeHead(500).end(error.message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const serviceUrl = `${base}/`;

  return {
    tenant,
    caFile: tls.caFile,
    url: base,
    serviceUrl,
    keys: { teams: teamsKey, webchat: webchatKey },
    /** The `chat.teams` section pointing every endpoint at this fake. */
    config: (overrides: Record<string, unknown> = {}) => ({
      enabled: true,
      appId: APP_ID,
      appPassword: APP_PASSWORD,
      tenantId: TENANT_ID,
      serviceUrl,
      auth: {
        openIdMetadataUrl: `${base}/v1/.well-known/openidconfiguration`,
        tokenIssuer: BOT_ISSUER,
        loginUrl: `${base}/${TENANT_ID}`,
        oauthScope: 'https://api.botframework.com',
        validateAuthority: false,
      },
      ...overrides,
    }),
    /** The next `times` Connector calls answer 429 with this Retry-After. */
    rateLimit(times: number, retryAfterSec = 1) {
      throttle = { times, retryAfterSec };
    },
    /** The next `times` channel posts are accepted with 202 and no id, as Teams sometimes does. */
    acceptWithoutId(times: number) {
      withoutId = times;
    },
    /** Messages the bot posted to a channel or chat (thread replies included). */
    postsIn: (conversation: string) => tenant.posts.filter((p) => p.channel === baseOf(conversation)),
    sender: (botUrl: string) => createSender({ botUrl, serviceUrl, key: teamsKey }),
    connectorCalls: () => tenant.calls.filter((c) => c.path.startsWith('/v3/')),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      tls.dispose();
    },
  };
};

export type FakeTeams = Awaited<ReturnType<typeof startFakeTeams>>;

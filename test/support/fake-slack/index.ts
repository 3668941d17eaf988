import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ClickInput, type CommandInput, clickPayload, commandFields, type EventInput, eventEnvelope } from './payloads.ts';
import { createSender } from './sender.ts';
import { type FakeEphemeral, type FakeMessage, type FakeUser, Workspace } from './state.ts';
import { type ServerSocket, acceptWebSocket } from './websocket.ts';
import { callMethod, type Identity, respondViaHook } from './web-api.ts';

export type { FakeEphemeral, FakeMessage, FakeUser } from './state.ts';
export { slackSignature } from './sender.ts';

/**
 * A stateful loopback Slack (DESIGN §9): the Web API methods patchbot calls with Slack's envelope
 * and error codes, Block Kit limits enforced as Slack does, injectable 429 + Retry-After, a
 * response_url sink with the 5 uses / 30 minutes budget, and Socket Mode over a real WebSocket.
 * It also plays Slack towards the bot: signed commands, clicks and events (`bot(url)`).
 */
export const SIGNING_SECRET = '8f742231b10e8888abcd99aaabbb85a5';
export const ALL_SCOPES = ['chat:write', 'commands', 'app_mentions:read', 'im:history', 'users:read', 'users:read.email'];

export interface FakeSlackOptions {
  scopes?: string[];
  channels?: string[];
  users?: FakeUser[];
}

const readAll = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export const startFakeSlack = async (options: FakeSlackOptions = {}) => {
  const ws = new Workspace();
  for (const channel of options.channels ?? []) ws.channels.set(channel, []);
  for (const user of options.users ?? []) ws.users.set(user.id, user);
  let port = 0;
  const id: Identity = {
    botToken: 'xoxb-1111-2222-fakeslackbottoken',
    appToken: 'xapp-1-A0PATCHBOT-3333-fakeslackapptoken',
    botUserId: 'U0PATCHBOT',
    botId: 'B0PATCHBOT',
    teamId: 'T0FAKE',
    scopes: options.scopes ?? ALL_SCOPES,
    socketUrl: () => `ws://127.0.0.1:${port}/socket`,
  };
  const limits = new Map<string, { times: number; retryAfterSec: number }>();
  const sockets: ServerSocket[] = [];
  const acks = new Map<string, (ack: Record<string, unknown>) => void>();

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readAll(req);
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      if (url.pathname.startsWith('/hooks/')) {
        const answer = respondViaHook(ws, id, url.pathname.slice('/hooks/'.length), JSON.parse(raw || '{}') as Record<string, unknown>);
        return void res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.text);
      }
      const method = url.pathname.replace(/^\/api\//, '');
      const json = (req.headers['content-type'] ?? '').startsWith('application/json');
      const params: Record<string, unknown> = json ? (JSON.parse(raw || '{}') as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(raw));
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? (params.token as string | undefined);
      delete params.token;
      const limit = limits.get(method) ?? limits.get('*');
      if (limit && limit.times > 0) {
        limit.times -= 1;
        ws.calls.push({ method, params, status: 429, error: 'ratelimited', at: Date.now() });
        return void res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(limit.retryAfterSec) }).end('{"ok":false,"error":"ratelimited"}');
      }
      const answer = callMethod(ws, id, method, params, token);
      ws.calls.push({ method, params, status: answer.status, ...(answer.body.ok ? {} : { error: String(answer.body.error) }), at: Date.now() });
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers }).end(JSON.stringify(answer.body));
    })().catch((error: Error) => res.writeHead(500).end(error.message));
  });
  server.on('upgrade', (req, socket) => {
    if (!req.url?.startsWith('/socket')) return socket.destroy();
    const conn = acceptWebSocket(req, socket);
    sockets.push(conn);
    const pinger = setInterval(() => (conn.closed ? clearInterval(pinger) : conn.ping()), 10_000);
    pinger.unref();
    conn.onText((text) => {
      const ack = JSON.parse(text) as Record<string, unknown>;
      acks.get(String(ack.envelope_id))?.(ack);
    });
    conn.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake-slack' }, connection_info: { app_id: 'A0PATCHBOT' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;

  /** One Socket Mode envelope to the connected app; resolves with its ack and how long it took. */
  const deliver = async (type: 'events_api' | 'slash_commands' | 'interactive', payload: Record<string, unknown>, retryAttempt = 0) => {
    const conn = sockets.find((s) => !s.closed);
    if (!conn) throw new Error('fake slack: no Socket Mode connection');
    const envelopeId = ws.nextId('env-');
    const started = Date.now();
    const acked = new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake slack: envelope ${envelopeId} not acked within 5 s`)), 5000);
      acks.set(envelopeId, (ack) => (clearTimeout(timer), resolve(ack)));
    });
    conn.send(
      JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: retryAttempt, retry_reason: retryAttempt ? 'timeout' : '' }),
    );
    const ack = await acked;
    return { ack, ms: Date.now() - started };
  };

  return {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    ...id,
    workspace: ws,
    addChannel: (channel: string) => void ws.channels.set(channel, ws.channels.get(channel) ?? []),
    addUser: (user: FakeUser) => void ws.users.set(user.id, user),
    /** Top-level messages of a channel, oldest first. */
    messages: (channel: string): FakeMessage[] => (ws.channels.get(channel) ?? []).filter((m) => m.threadTs === null),
    thread: (channel: string, ts: string): FakeMessage[] => (ws.channels.get(channel) ?? []).filter((m) => m.threadTs === ts),
    message: (channel: string, ts: string) => ws.find(channel, ts),
    ephemerals: (filter: Partial<Pick<FakeEphemeral, 'channel' | 'user' | 'via'>> = {}): FakeEphemeral[] =>
      ws.ephemerals.filter((e) => Object.entries(filter).every(([k, v]) => e[k as keyof FakeEphemeral] === v)),
    calls: (method?: string) => ws.calls.filter((c) => method === undefined || c.method === method),
    hook: (hookId: string) => ws.hooks.get(hookId),
    /** A fresh response_url for `user` in `channel`, as a command or click would carry. */
    responseUrl: (channel: string, user: string) => {
      const hookId = ws.nextId('H');
      ws.hooks.set(hookId, { id: hookId, channel, user, issuedAt: ws.now(), uses: 0, posts: [] });
      return { hookId, url: `${baseUrl}/hooks/${hookId}` };
    },
    /** The next `times` calls of `method` ('*': any) get 429 with Retry-After. */
    rateLimit: (method: string, times: number, retryAfterSec = 1) => void limits.set(method, { times, retryAfterSec }),
    /** Moves the fake's clock (response_url expiry) forward. */
    advance: (ms: number) => void (ws.offsetMs += ms),
    /** Plays Slack towards a bot at `url` in HTTP mode. */
    bot: (url: string, signingSecret = SIGNING_SECRET) => createSender(ws, id, baseUrl, signingSecret, url),
    socket: {
      connected: () => sockets.some((s) => !s.closed),
      command: (input: CommandInput) => deliver('slash_commands', commandFields(ws, id, baseUrl, input)),
      click: (input: ClickInput) => deliver('interactive', clickPayload(ws, id, baseUrl, input)),
      event: (input: EventInput, retryAttempt = 0) => deliver('events_api', eventEnvelope(ws, id, input), retryAttempt),
    },
    async close() {
      for (const s of sockets) s.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>;

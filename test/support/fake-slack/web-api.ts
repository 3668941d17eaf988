import { blockErrors } from './block-rules.ts';
import type { Workspace } from './state.ts';

export interface Identity {
  botToken: string;
  appToken: string;
  botUserId: string;
  botId: string;
  teamId: string;
  /** Granted bot scopes, sent in X-OAuth-Scopes the way Slack does. */
  scopes: string[];
  socketUrl: () => string;
}

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

type Params = Record<string, unknown>;

/** Slack's error envelope: HTTP 200 with ok:false (integrations §1.8). */
const fail = (error: string, extra: Params = {}): ApiAnswer => ({ status: 200, body: { ok: false, error, ...extra } });
const ok = (body: Params, headers?: Record<string, string>): ApiAnswer => ({ status: 200, body: { ok: true, ...body }, ...(headers ? { headers } : {}) });

/** `blocks` arrive as a JSON string inside the form (or as an array in a JSON body). */
const blocksOf = (params: Params): unknown[] | undefined | 'unreadable' => {
  const raw = params.blocks;
  if (raw === undefined) return undefined;
  if (Array.isArray(raw)) return raw;
  try {
    const parsed: unknown = JSON.parse(String(raw));
    return Array.isArray(parsed) ? parsed : 'unreadable';
  } catch {
    return 'unreadable';
  }
};

/** Checks the content of a message the way chat.postMessage and chat.update do. */
const content = (params: Params): { text: string; blocks: unknown[] } | ApiAnswer => {
  const blocks = blocksOf(params);
  if (blocks === 'unreadable') return fail('invalid_blocks_format');
  const text = typeof params.text === 'string' ? params.text : '';
  if (!text && !blocks?.length) return fail('no_text');
  if (text.length > 40_000) return fail('msg_too_long');
  const errors = blocks ? blockErrors(blocks) : [];
  if (errors.length) return fail('invalid_blocks', { errors });
  return { text, blocks: blocks ?? [] };
};
const isAnswer = (value: unknown): value is ApiAnswer => typeof value === 'object' && value !== null && 'status' in value;

/** The Web API methods patchbot uses, over the workspace state. */
export const callMethod = (ws: Workspace, id: Identity, method: string, params: Params, token: string | undefined): ApiAnswer => {
  if (method === 'apps.connections.open') return token === id.appToken ? ok({ url: id.socketUrl() }) : fail(token ? 'invalid_auth' : 'not_authed');
  if (!token) return fail('not_authed');
  if (token !== id.botToken) return fail('invalid_auth');
  const channel = String(params.channel ?? '');
  switch (method) {
    case 'auth.test':
      return ok(
        { url: 'https://fake-workspace.slack.com/', team: 'Fake Workspace', user: 'patchbot', team_id: id.teamId, user_id: id.botUserId, bot_id: id.botId },
        { 'x-oauth-scopes': id.scopes.join(',') },
      );
    case 'users.info': {
      const user = ws.users.get(String(params.user ?? ''));
      if (!user) return fail('user_not_found');
      const email = id.scopes.includes('users:read.email') ? user.email : undefined;
      return ok({
        user: {
          id: user.id,
          team_id: user.teamId ?? id.teamId,
          ...(user.isStranger ? { is_stranger: true } : {}),
          ...(user.enterpriseId ? { enterprise_user: { id: user.id, enterprise_id: user.enterpriseId, teams: [user.teamId ?? id.teamId] } } : {}),
          name: user.name,
          real_name: user.realName ?? user.name,
          profile: { display_name: user.name, real_name: user.realName ?? user.name, ...(email ? { email } : {}) },
        },
      });
    }
    case 'chat.postMessage': {
      // A user id as the channel posts to that user's DM with the app, as Slack does; the reply
      // names the DM's own channel id.
      if (ws.users.has(channel)) {
        const dm = `D${channel.slice(1)}`;
        const body = content(params);
        if (isAnswer(body)) return body;
        if (!ws.channels.has(dm)) ws.channels.set(dm, []);
        const message = ws.append({ channel: dm, threadTs: null, user: null, botId: id.botId, ...body });
        return ok({ channel: dm, ts: message.ts, message: { type: 'message', bot_id: id.botId, text: message.text, ts: message.ts } });
      }
      if (!ws.channels.has(channel)) return fail('channel_not_found');
      const body = content(params);
      if (isAnswer(body)) return body;
      const threadTs = typeof params.thread_ts === 'string' ? params.thread_ts : null;
      // Stricter than Slack (which would post at the top level): a bad thread is a bug worth seeing.
      if (threadTs && !ws.find(channel, threadTs)) return fail('thread_not_found');
      const message = ws.append({ channel, threadTs, user: null, botId: id.botId, ...body });
      return ok({ channel, ts: message.ts, message: { type: 'message', bot_id: id.botId, text: message.text, ts: message.ts } });
    }
    case 'chat.update': {
      if (!ws.channels.has(channel)) return fail('channel_not_found');
      const message = ws.find(channel, String(params.ts ?? ''));
      if (!message) return fail('message_not_found');
      if (message.botId !== id.botId) return fail('cant_update_message');
      const body = content(params);
      if (isAnswer(body)) return body;
      Object.assign(message, body, { edits: message.edits + 1 });
      return ok({ channel, ts: message.ts, text: message.text });
    }
    case 'chat.postEphemeral': {
      if (!ws.channels.has(channel)) return fail('channel_not_found');
      const user = String(params.user ?? '');
      if (!ws.users.has(user)) return fail('user_not_found');
      const body = content(params);
      if (isAnswer(body)) return body;
      ws.ephemerals.push({ channel, user, ...body, via: 'chat.postEphemeral' });
      return ok({ message_ts: ws.nextTs() });
    }
    default:
      return fail('unknown_method');
  }
};

/**
 * A response_url POST (integrations §1.7): five uses within thirty minutes, then 404 `used_url` /
 * `expired_url`. In-channel answers become messages, ephemeral ones (Slack's default) ephemerals.
 */
export const respondViaHook = (ws: Workspace, id: Identity, hookId: string, body: Params): { status: number; text: string } => {
  const hook = ws.hooks.get(hookId);
  if (!hook) return { status: 404, text: 'no_active_hooks' };
  const refuse = ws.now() - hook.issuedAt >= 30 * 60_000 ? 'expired_url' : hook.uses >= 5 ? 'used_url' : null;
  if (refuse) {
    hook.posts.push({ status: 404, body });
    return { status: 404, text: refuse };
  }
  const checked = content(body);
  if (isAnswer(checked)) {
    hook.posts.push({ status: 400, body });
    return { status: 400, text: String(checked.body.error) };
  }
  hook.uses += 1;
  hook.posts.push({ status: 200, body });
  if (body.response_type === 'in_channel') ws.append({ channel: hook.channel, threadTs: null, user: null, botId: id.botId, ...checked });
  else ws.ephemerals.push({ channel: hook.channel, user: hook.user, ...checked, via: 'response_url' });
  return { status: 200, text: 'ok' };
};

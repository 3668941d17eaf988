import { randomUUID } from 'node:crypto';
import { signJwt, type SigningKey } from './jwt.ts';
import type { FakePost, FakeUser } from './state.ts';

/** The ids that make the fake's channel a Teams channel. */
export const TEAM_ID = '19:fake-team-general@thread.tacv2';
const APP = '0a1b2c3d-1111-2222-3333-444455556666';
const TENANT = '72f988bf-0000-1111-2222-333344445555';
const BOT = { id: `28:${APP}`, name: 'patchbot' };

export interface TokenOptions {
  /** Claims merged over the channel's (iss, aud, serviceurl, nbf, exp). */
  claims?: Record<string, unknown>;
  key?: { kid: string; privateKey: SigningKey['privateKey'] };
  alg?: 'RS256' | 'none';
  /** false: send no Authorization header at all. */
  header?: boolean;
}

export interface SenderOptions {
  botUrl: string;
  serviceUrl: string;
  key: SigningKey;
}

type Input = { type?: string; id?: string; value?: string; choices?: { value: string }[] };

/** The values of a posted card's inputs as a click sends them: preset, or picked (a pick must exist). */
const inputValues = (post: FakePost, picks: Record<string, string>): Record<string, string> => {
  const inputs = ((post.card?.body as Input[] | undefined) ?? []).filter((e) => e.type?.startsWith('Input.') && e.id);
  const values: Record<string, string> = {};
  for (const input of inputs) if (input.value !== undefined) values[input.id!] = input.value;
  for (const [id, value] of Object.entries(picks)) {
    const input = inputs.find((i) => i.id === id);
    if (!input) throw new Error(`the card has no input ${id}: ${inputs.map((i) => i.id).join(', ')}`);
    if (input.choices && !input.choices.some((c) => c.value === value)) throw new Error(`input ${id} offers no choice ${value}: ${input.choices.map((c) => c.value).join(', ')}`);
    values[id] = value;
  }
  return values;
};

const account = (user: FakeUser) => ({ id: user.id, name: user.name, aadObjectId: user.aadObjectId });

/**
 * Plays the Teams channel towards patchbot: activities shaped as Teams sends them (ids, the
 * `;messageid=` thread conversations, `<at>` mentions, Action.Execute invokes), each with a
 * bearer JWT signed by the fake's published key (or a broken one, when a test asks).
 */
export const createSender = ({ botUrl, serviceUrl, key }: SenderOptions) => {
  const token = (options: TokenOptions = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: 'https://api.botframework.com', aud: APP, serviceurl: serviceUrl, nbf: now - 60, iat: now - 60, exp: now + 3600, ...options.claims };
    return signJwt(claims, options.key ?? key, options.alg ?? 'RS256');
  };

  const send = async (activity: Record<string, unknown>, options: TokenOptions = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.header !== false) headers.authorization = `Bearer ${token(options)}`;
    const response = await fetch(`${botUrl}/api/messages`, { method: 'POST', headers, body: JSON.stringify(activity) });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
  };

  const common = () => ({ id: `1:${randomUUID()}`, channelId: 'msteams', serviceUrl, recipient: BOT, timestamp: new Date().toISOString(), locale: 'en-US' });

  return {
    token,
    send,
    /** A message in the bot's 1:1 chat with `user`. */
    personal: (user: FakeUser, text: string) => ({
      ...common(),
      type: 'message',
      from: account(user),
      conversation: { id: `a:1${user.aadObjectId}`, conversationType: 'personal', tenantId: TENANT },
      text,
      channelData: { tenant: { id: TENANT } },
    }),
    /** `@patchbot <text>` in a channel: a new post (its own thread) or a reply in `threadRoot`'s thread. */
    mention: (user: FakeUser, channel: string, text: string, threadRoot?: string) => {
      const base = common();
      const id = threadRoot ? base.id : String(Date.now());
      return {
        ...base,
        id,
        type: 'message',
        from: account(user),
        conversation: { id: `${channel};messageid=${threadRoot ?? id}`, conversationType: 'channel', isGroup: true, tenantId: TENANT },
        text: `<at>patchbot</at> ${text}`,
        textFormat: 'plain',
        entities: [{ type: 'mention', mentioned: BOT, text: '<at>patchbot</at>' }],
        channelData: { teamsChannelId: channel, teamsTeamId: TEAM_ID, channel: { id: channel }, team: { id: TEAM_ID }, tenant: { id: TENANT } },
      };
    },
    /**
     * A click on one of a posted card's Action.Execute buttons. Like Teams, the card's inputs go
     * along in `data` under their ids: their preset value, or what `inputs` picks (a ChoiceSet
     * pick must be one of its choices, as in the client).
     */
    click: (user: FakeUser, post: FakePost, verb: string, inputs: Record<string, string> = {}) => {
      const actions = ((post.card?.actions as { verb?: string; data?: { value?: string }; card?: { actions?: { verb?: string; data?: { value?: string } }[] } }[]) ?? []).flatMap((a) => [
        a,
        ...(a.card?.actions ?? []),
      ]);
      const action = actions.find((a) => a.verb === verb);
      if (!action) throw new Error(`the card has no button ${verb}: ${actions.map((a) => a.verb).join(', ')}`);
      const data = { ...(action.data ?? {}), ...inputValues(post, inputs) };
      return {
        ...common(),
        type: 'invoke',
        name: 'adaptiveCard/action',
        from: account(user),
        conversation: {
          id: post.channel.startsWith('a:') ? post.channel : `${post.channel};messageid=${post.threadRoot ?? post.id}`,
          conversationType: post.channel.startsWith('a:') ? 'personal' : 'channel',
          tenantId: TENANT,
        },
        replyToId: post.id,
        value: { action: { type: 'Action.Execute', id: verb, verb, data }, trigger: 'manual' },
        channelData: { tenant: { id: TENANT }, ...(post.channel.startsWith('a:') ? {} : { channel: { id: post.channel }, team: { id: TEAM_ID } }) },
      };
    },
    /** The app installed in a team (Teams sends both kinds). */
    installed: (user: FakeUser, channel: string) => ({
      ...common(),
      type: 'installationUpdate',
      action: 'add',
      from: account(user),
      conversation: { id: channel, conversationType: 'channel', tenantId: TENANT },
      channelData: { tenant: { id: TENANT }, team: { id: TEAM_ID } },
    }),
  };
};

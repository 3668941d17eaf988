import { buttonsOf } from './block-rules.ts';
import type { Workspace } from './state.ts';
import type { Identity } from './web-api.ts';

/**
 * What Slack sends to an app, built from the workspace state (integrations §1.5–1.6, Bolt's
 * `src/types/**`): slash command fields, block_actions payloads for buttons that really are on a
 * message, and Events API envelopes. The HTTP and Socket Mode senders wrap the same objects.
 */

export interface CommandInput {
  user: string;
  channel: string;
  text: string;
  command?: string;
  /** Sent from another workspace the app is installed in (default: the fake's own). */
  team?: string;
}

export interface ClickInput {
  user: string;
  channel: string;
  /** The message the button is on. */
  ts: string;
  actionId: string;
  /** Set to repeat an earlier delivery exactly; a new click gets a new one. */
  actionTs?: string;
  /** Clicked from another workspace (default: the fake's own). */
  team?: string;
}

export interface EventInput {
  type: 'app_mention' | 'message';
  user: string;
  channel: string;
  text: string;
  channelType?: 'channel' | 'im';
  eventId?: string;
  /** Posted as a reply in this thread (its root's ts), as Slack sends `thread_ts`. */
  threadTs?: string;
  /** Delivered for another workspace's installation (default: the fake's own). */
  team?: string;
}

const userOf = (ws: Workspace, id: string) => {
  const user = ws.users.get(id);
  if (!user) throw new Error(`fake slack: no user ${id}`);
  return user;
};

export const commandFields = (ws: Workspace, id: Identity, baseUrl: string, input: CommandInput): Record<string, string> => {
  const hookId = ws.nextId('H');
  ws.hooks.set(hookId, { id: hookId, channel: input.channel, user: input.user, issuedAt: ws.now(), uses: 0, posts: [] });
  return {
    token: 'deprecated-verification-token',
    team_id: input.team ?? id.teamId,
    team_domain: 'fake-workspace',
    channel_id: input.channel,
    channel_name: input.channel.toLowerCase(),
    user_id: input.user,
    user_name: userOf(ws, input.user).name,
    command: input.command ?? '/patch',
    text: input.text,
    api_app_id: 'A0PATCHBOT',
    is_enterprise_install: 'false',
    response_url: `${baseUrl}/hooks/${hookId}`,
    trigger_id: `${ws.nextId('')}.${Date.now()}.${hookId.toLowerCase()}`,
  };
};

export const clickPayload = (ws: Workspace, id: Identity, baseUrl: string, input: ClickInput): Record<string, unknown> => {
  const message = ws.find(input.channel, input.ts);
  if (!message) throw new Error(`fake slack: no message ${input.ts} in ${input.channel}`);
  // A person can only click what is on screen: a card whose buttons are gone cannot be voted on.
  const button = buttonsOf(message.blocks).find((b) => b.actionId === input.actionId);
  if (!button) throw new Error(`fake slack: message ${input.ts} has no button ${input.actionId}`);
  const user = userOf(ws, input.user);
  const hookId = ws.nextId('H');
  ws.hooks.set(hookId, { id: hookId, channel: input.channel, user: input.user, issuedAt: ws.now(), uses: 0, posts: [] });
  return {
    type: 'block_actions',
    api_app_id: 'A0PATCHBOT',
    token: 'deprecated-verification-token',
    trigger_id: `${ws.nextId('')}.${Date.now()}.t`,
    user: { id: user.id, username: user.name, name: user.name, team_id: input.team ?? id.teamId },
    team: { id: input.team ?? id.teamId, domain: 'fake-workspace' },
    container: { type: 'message', message_ts: message.ts, ...(message.threadTs ? { thread_ts: message.threadTs } : {}), channel_id: message.channel, is_ephemeral: false },
    channel: { id: message.channel, name: message.channel.toLowerCase() },
    message: { type: 'message', ts: message.ts, bot_id: message.botId, text: message.text, blocks: message.blocks },
    state: { values: {} },
    response_url: `${baseUrl}/hooks/${hookId}`,
    actions: [
      {
        type: 'button',
        action_id: button.actionId,
        block_id: button.blockId,
        value: button.value,
        text: { type: 'plain_text', text: button.text },
        action_ts: input.actionTs ?? ws.nextTs(),
      },
    ],
  };
};

export const eventEnvelope = (ws: Workspace, id: Identity, input: EventInput): Record<string, unknown> => {
  const ts = ws.nextTs();
  if (input.type === 'message') ws.append({ channel: input.channel, threadTs: input.threadTs ?? null, user: input.user, botId: null, text: input.text, blocks: [] });
  return {
    token: 'deprecated-verification-token',
    team_id: input.team ?? id.teamId,
    api_app_id: 'A0PATCHBOT',
    event: {
      type: input.type,
      user: input.user,
      text: input.text,
      ts,
      channel: input.channel,
      event_ts: ts,
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
      ...(input.type === 'message' ? { channel_type: input.channelType ?? 'im' } : {}),
    },
    type: 'event_callback',
    event_id: input.eventId ?? ws.nextId('Ev'),
    event_time: Math.floor(ws.now() / 1000),
    authorizations: [{ team_id: input.team ?? id.teamId, user_id: id.botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
};

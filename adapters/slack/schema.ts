import { z } from 'zod';

/**
 * The Slack payload fields this adapter reads, and nothing more (Renovate's one-schema-per-adapter
 * rule): Slack adds fields all the time, so every object is loose and only what we use is checked.
 * Shapes: reference/integrations.md §1.5–1.7 and Bolt's `src/types/**`.
 */

/** A `/patch …` slash command (form fields; the same keys arrive as JSON over Socket Mode). */
export const SlashCommand = z.looseObject({
  command: z.string(),
  text: z.string().default(''),
  user_id: z.string().min(1),
  user_name: z.string().optional(),
  channel_id: z.string().min(1),
  response_url: z.url(),
  /** Unique per invocation; Slack never retries commands, so it is the interaction id. */
  trigger_id: z.string().min(1),
});
export type SlashCommand = z.infer<typeof SlashCommand>;

const ButtonAction = z.looseObject({
  action_id: z.string().min(1),
  /** Buttons always carry one in our cards; other elements may not. */
  value: z.string().default(''),
  action_ts: z.string().min(1),
});

/** A button click (`payload=` JSON of type block_actions). */
export const BlockActions = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: z.string().min(1), username: z.string().optional(), name: z.string().optional() }),
  container: z
    .looseObject({
      type: z.string(),
      message_ts: z.string().optional(),
      /** Set when the message sits in a thread: its root. */
      thread_ts: z.string().optional(),
      channel_id: z.string().optional(),
      is_ephemeral: z.boolean().optional(),
    })
    .optional(),
  channel: z.looseObject({ id: z.string() }).optional(),
  actions: z.array(ButtonAction).min(1),
});
export type BlockActions = z.infer<typeof BlockActions>;

/** An `app_mention` or `message` event and the envelope fields around it. */
export const MessageEvent = z.looseObject({
  type: z.enum(['app_mention', 'message']),
  /** Absent on some message subtypes (bot messages, edits); those are ignored. */
  user: z.string().optional(),
  text: z.string().default(''),
  channel: z.string().min(1),
  channel_type: z.string().optional(),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  /** Set when the message is a reply in a thread: the root's ts. */
  thread_ts: z.string().optional(),
});
export type MessageEvent = z.infer<typeof MessageEvent>;

export const EventEnvelope = z.looseObject({
  type: z.literal('event_callback'),
  /** The same for every retried delivery of one event: the interaction id. */
  event_id: z.string().min(1),
  event: MessageEvent,
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** Slack's endpoint check when the Request URL is saved in the app settings. */
export const UrlVerification = z.looseObject({ type: z.literal('url_verification'), challenge: z.string() });

/**
 * `users.info`: a name to show, the email that ties the account to a configured person, and
 * whose the account is (a Slack Connect member's `team_id` is their own organisation's).
 */
export const UsersInfo = z.looseObject({
  user: z.looseObject({
    id: z.string(),
    team_id: z.string().optional(),
    /** Another workspace's member the app cannot otherwise see. */
    is_stranger: z.boolean().optional(),
    /** Enterprise Grid: the organisation the member belongs to. */
    enterprise_user: z.looseObject({ enterprise_id: z.string().optional() }).optional(),
    name: z.string().optional(),
    real_name: z.string().optional(),
    profile: z.looseObject({ email: z.string().optional(), display_name: z.string().optional() }).optional(),
  }),
});
export type UsersInfo = z.infer<typeof UsersInfo>;

/** `auth.test` with the bot token: who the bot is, and (header) which scopes it was granted. */
export const AuthTest = z.looseObject({
  user_id: z.string().min(1),
  bot_id: z.string().min(1),
  team: z.string().optional(),
  /** The workspace (and Grid organisation) the bot token belongs to: patchbot's own. */
  team_id: z.string().min(1),
  enterprise_id: z.string().optional(),
  response_metadata: z.looseObject({ scopes: z.array(z.string()).optional() }).optional(),
});
export type AuthTest = z.infer<typeof AuthTest>;

/** What chat.postMessage answers: where the message landed. */
export const PostedMessage = z.looseObject({ channel: z.string().min(1), ts: z.string().min(1) });

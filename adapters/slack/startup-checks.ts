import { PatchbotError } from '../../src/shared/errors.ts';
import type { Logger } from '../../src/shared/logger.ts';
import { SlackApiError, translateSlackError } from './errors.ts';
import { AuthTest } from './schema.ts';
import { createWebClient, SLACK_API_URL } from './web-client.ts';

/** What the bot needs; config/slack-manifest.yaml grants exactly these. */
export const BOT_SCOPES = ['chat:write', 'commands', 'app_mentions:read', 'im:history', 'users:read', 'users:read.email'] as const;

export interface SlackHome {
  teamId: string;
  enterpriseId?: string | undefined;
}

export interface BotIdentity {
  botId: string;
  botUserId: string;
  team: string | undefined;
  /** Our own workspace: only its members' Slack emails name people. */
  home: SlackHome;
}

/** A startup check failed: the message names the setting, the hint says where to get a good one. */
const startupError = (what: string, error: unknown, hint: string, apiUrl: string | undefined): PatchbotError => {
  const translated = translateSlackError('auth.test', error);
  if (translated instanceof SlackApiError && translated.slackError === 'unreachable') {
    return new PatchbotError('slack-unreachable', `Cannot reach the Slack Web API at ${apiUrl ?? SLACK_API_URL} to check ${what} (${translated.detail ?? 'no answer'}).`, translated.hint);
  }
  const reason = translated instanceof SlackApiError ? translated.slackError : translated.message;
  return new PatchbotError('slack-credentials', `Slack refused ${what} (${reason}).`, hint);
};

/**
 * `auth.test` with the bot token before anything is mounted, so a wrong token stops startup with
 * one clear line (Bolt would otherwise call it in the background and crash the process with an
 * unhandled rejection, integrations §1.11). Few retries: a person is waiting for the answer.
 */
export const checkBotToken = async (token: string, apiUrl: string | undefined, log: Logger): Promise<BotIdentity> => {
  const client = createWebClient(token, { apiUrl, log, retries: 2 });
  let result: AuthTest;
  try {
    result = AuthTest.parse(await client.auth.test());
  } catch (error) {
    throw startupError(
      'chat.slack.botToken',
      error,
      'Set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) from the Slack app › OAuth & Permissions, and install the app to the workspace.',
      apiUrl,
    );
  }
  const granted = result.response_metadata?.scopes;
  const missing = granted ? BOT_SCOPES.filter((s) => !granted.includes(s)) : [];
  if (missing.includes('chat:write'))
    throw new PatchbotError(
      'slack-scopes',
      'The Slack bot token lacks the chat:write scope, so patchbot cannot post.',
      'Recreate or update the app from config/slack-manifest.yaml and reinstall it.',
    );
  if (missing.length) log.warn({ missing }, 'slack bot token lacks scopes');
  return { botId: result.bot_id, botUserId: result.user_id, team: result.team, home: { teamId: result.team_id, enterpriseId: result.enterprise_id } };
};

/**
 * Socket Mode's app-level token is checked the same way, by opening (and dropping) one connection
 * URL: Slack answers invalid_auth at once for a wrong token, where the socket client would retry.
 */
export const checkAppToken = async (appToken: string, apiUrl: string | undefined, log: Logger): Promise<void> => {
  const client = createWebClient(appToken, { apiUrl, log, retries: 2 });
  try {
    await client.apps.connections.open();
  } catch (error) {
    throw startupError(
      'chat.slack.appToken',
      error,
      'Set SLACK_APP_TOKEN to an app-level token (xapp-…) with the connections:write scope (Slack app › Basic Information › App-Level Tokens), and enable Socket Mode.',
      apiUrl,
    );
  }
};

/** Slack signing secrets are 32 hex characters; a token pasted into the wrong field is caught here. */
export const checkSigningSecret = (secret: string): void => {
  if (!/^[0-9a-f]{32}$/i.test(secret)) {
    throw new PatchbotError(
      'slack-credentials',
      `chat.slack.signingSecret does not look like a Slack signing secret (32 hex characters; this one has ${secret.length} characters${/^x(ox|app)/.test(secret) ? ' and looks like a token' : ''}).`,
      'Copy the Signing Secret from the Slack app › Basic Information › App Credentials into SLACK_SIGNING_SECRET.',
    );
  }
};

/** Channel IDs, not names: chat.update and threads need the ID, and names change. */
export const checkChannels = (channels: Record<string, string>): void => {
  for (const [role, channel] of Object.entries(channels)) {
    if (!/^[CGD][A-Z0-9]{2,}$/.test(channel)) {
      throw new PatchbotError(
        'slack-channel',
        `chat.slack.channels.${role} is "${channel}", which is not a Slack channel ID.`,
        'Use the channel ID (C…): channel name › About › Channel ID at the bottom.',
      );
    }
  }
};

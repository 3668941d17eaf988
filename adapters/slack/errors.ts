import { MessageTooLargeError, SurfaceRateLimitedError } from '../../src/chat/chat-surface.ts';
import { PatchbotError } from '../../src/shared/errors.ts';

/**
 * Slack's errors translated at the edge (Renovate's datasource lesson): nothing above this adapter
 * sees a `WebAPIPlatformError`, only patchbot errors whose message and hint say what to do.
 * The SDK's error classes are matched by their `code`, which survives duplicate module copies.
 */

/** A Web API call Slack refused (`{ok:false, error}`) or that never reached Slack. */
export class SlackApiError extends PatchbotError {
  readonly slackError: string;
  readonly method: string;
  /** For `unreachable`: why (ECONNREFUSED, a timeout…). */
  readonly detail: string | undefined;
  constructor(method: string, slackError: string, message: string, hint?: string, detail?: string) {
    super(`slack-${slackError.replace(/_/g, '-')}`, message, hint);
    this.method = method;
    this.slackError = slackError;
    this.detail = detail;
  }
}

/** What people can do about the codes Slack documents for chat.* and users.*. */
const HINTS: Record<string, string> = {
  channel_not_found: 'Use the channel ID (C…, from the channel details), and invite @patchbot to it.',
  not_in_channel: 'Invite the bot: `/invite @patchbot` in that channel.',
  is_archived: 'The channel is archived; point chat.slack.channels at a live one.',
  invalid_auth: 'Set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) from the Slack app › OAuth & Permissions.',
  not_authed: 'Set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) from the Slack app › OAuth & Permissions.',
  token_revoked: 'The app was uninstalled or its token revoked: reinstall it and update SLACK_BOT_TOKEN.',
  account_inactive: 'The app was uninstalled or its token revoked: reinstall it and update SLACK_BOT_TOKEN.',
  missing_scope: 'Reinstall the app from config/slack-manifest.yaml so it has every scope patchbot needs.',
  invalid_blocks: 'A card broke a Block Kit rule; this is a patchbot bug, please report it with the log line.',
  user_not_found: 'The Slack user no longer exists in this workspace.',
};

const codeOf = (error: unknown): string | undefined => (error as { code?: unknown } | null)?.code as string | undefined;

/** The WebClient gives up on 429s with a plain Error after its last retry; this is its wording. */
const RATE_LIMIT_GIVE_UP = /A rate limit was exceeded \(url: .*, retry-after: (\d+)\)/;

export const translateSlackError = (method: string, error: unknown): Error => {
  if (error instanceof PatchbotError) return error;
  const code = codeOf(error);
  if (code === 'slack_webapi_platform_error') {
    const data = (error as { data: { error: string; errors?: unknown } }).data;
    const slackError = data.error;
    if (slackError === 'msg_too_long' || slackError === 'msg_blocks_too_long') return new MessageTooLargeError('slack', `Slack answered ${slackError} to ${method}`);
    if (slackError === 'ratelimited') return new SurfaceRateLimitedError('slack', 1000);
    const detail = data.errors ? ` (${JSON.stringify(data.errors).slice(0, 300)})` : '';
    return new SlackApiError(method, slackError, `Slack refused ${method}: ${slackError}${detail}.`, HINTS[slackError]);
  }
  if (code === 'slack_webapi_rate_limited_error') return new SurfaceRateLimitedError('slack', (error as { retryAfter: number }).retryAfter * 1000);
  const message = error instanceof Error ? error.message : String(error);
  const gaveUp = RATE_LIMIT_GIVE_UP.exec(message);
  if (gaveUp) return new SurfaceRateLimitedError('slack', Number(gaveUp[1]) * 1000);
  if (code === 'slack_webapi_http_error') {
    const status = (error as { statusCode: number }).statusCode;
    return new SlackApiError(method, `http_${status}`, `Slack answered HTTP ${status} to ${method}.`, 'Slack may be having an incident; see https://slack-status.com.');
  }
  if (code === 'slack_webapi_request_error') {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a timeout) is its cause.
    const original = (error as { original?: Error & { cause?: { code?: string; message?: string } } }).original;
    const why = [original?.message ?? message, original?.cause?.code ?? original?.cause?.message].filter(Boolean).join(': ');
    return new SlackApiError(method, 'unreachable', `Cannot reach the Slack Web API for ${method} (${why}).`, 'Check network access to slack.com (or chat.slack.apiUrl).', why);
  }
  return error instanceof Error ? error : new Error(message);
};

/** Runs one Web API call and translates whatever it throws. */
export const slackCall = async <T>(method: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    throw translateSlackError(method, error);
  }
};

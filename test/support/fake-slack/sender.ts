import { createHmac } from 'node:crypto';
import { type ClickInput, type CommandInput, clickPayload, commandFields, type EventInput, eventEnvelope } from './payloads.ts';
import type { Workspace } from './state.ts';
import type { Identity } from './web-api.ts';

/** One request as Slack would send it: the exact bytes (they are what is signed) and their type. */
export interface SlackRequest {
  body: string;
  contentType: 'application/x-www-form-urlencoded' | 'application/json';
}

export interface SendOptions {
  /** Sign with another secret (a forgery). */
  secret?: string;
  /** Seconds since the epoch; an old one makes a replay. */
  timestamp?: number;
  /** Replace the signature header outright. */
  signature?: string;
  /** Events API redelivery headers. */
  retryNum?: number;
  retryReason?: string;
}

export interface SentRequest {
  status: number;
  text: string;
  request: SlackRequest;
}

/** Slack's v0 signature (integrations §1.2), computed here independently of Bolt's verifier. */
export const slackSignature = (secret: string, timestamp: number, body: string): string => `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;

/**
 * The Slack side of HTTP mode: posts commands, clicks and events to the bot's Request URL,
 * signed exactly as Slack signs them, with the bare form content type Slack uses.
 */
export const createSender = (ws: Workspace, id: Identity, baseUrl: string, signingSecret: string, botUrl: string) => {
  const send = async (request: SlackRequest, options: SendOptions = {}): Promise<SentRequest> => {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': request.contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? slackSignature(options.secret ?? signingSecret, timestamp, request.body),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    };
    if (options.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(options.retryNum);
      headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout';
    }
    const response = await fetch(botUrl, { method: 'POST', headers, body: request.body });
    return { status: response.status, text: await response.text(), request };
  };
  const form = (fields: Record<string, string>): SlackRequest => ({ body: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' });

  return {
    send,
    /** `/patch <text>`; the returned hook id is where the answers through response_url land. */
    async command(input: CommandInput, options?: SendOptions) {
      const fields = commandFields(ws, id, baseUrl, input);
      const hookId = fields.response_url!.split('/').pop()!;
      return { ...(await send(form(fields), options)), hookId, triggerId: fields.trigger_id! };
    },
    /** A click on a button that is on the message now. */
    async click(input: ClickInput, options?: SendOptions) {
      const payload = clickPayload(ws, id, baseUrl, input);
      return { ...(await send(form({ payload: JSON.stringify(payload) }), options)), payload };
    },
    async event(input: EventInput, options?: SendOptions) {
      const envelope = eventEnvelope(ws, id, input);
      return { ...(await send({ body: JSON.stringify(envelope), contentType: 'application/json' }, options)), eventId: String(envelope.event_id) };
    },
    urlVerification: (challenge: string, options?: SendOptions) =>
      send({ body: JSON.stringify({ token: 'deprecated-verification-token', challenge, type: 'url_verification' }), contentType: 'application/json' }, options),
  };
};
export type SlackSender = ReturnType<typeof createSender>;

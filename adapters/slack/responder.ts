import type { Card } from '../../src/chat/card.ts';
import type { Responder } from '../../src/chat/chat-hub.ts';
import type { ChatSurface } from '../../src/chat/chat-surface.ts';
import type { Actor } from '../../src/chat/actor.ts';
import type { Logger } from '../../src/shared/logger.ts';
import { renderCard } from './block-kit.ts';

/** Slack's budget per response_url (integrations §1.7): five answers within thirty minutes. */
export const RESPONSE_URL_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;

export interface ResponderOptions {
  responseUrl: string;
  /** Where the command was typed, and by whom: the fallback when the URL is spent. */
  channel: string;
  actor: Actor;
  surface: ChatSurface;
  log: Logger;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  timeoutMs?: number;
}

/**
 * Answers a slash command through its response_url, which works even in channels the bot was
 * never invited to. The URL is good for five answers in thirty minutes; past that (or when Slack
 * says `used_url` / `expired_url`) answers fall back to chat.postMessage / chat.postEphemeral,
 * so a long-running command still reaches the person.
 */
export const createResponder = (options: ResponderOptions): Responder & { readonly uses: number } => {
  const { responseUrl, channel, actor, surface, log, fetch = globalThis.fetch, now = Date.now, timeoutMs = 10_000 } = options;
  const issuedAt = now();
  let uses = 0;

  const viaUrl = async (card: Card, responseType: 'in_channel' | 'ephemeral'): Promise<boolean> => {
    if (uses >= RESPONSE_URL_USES || now() - issuedAt >= RESPONSE_URL_TTL_MS) return false;
    uses += 1;
    try {
      const response = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: responseType, ...renderCard(card) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.ok) return true;
      log.warn({ status: response.status, body: (await response.text()).slice(0, 100) }, 'slack response_url refused an answer');
    } catch (error) {
      log.warn({ err: error }, 'slack response_url unreachable');
    }
    return false;
  };

  return {
    get uses() {
      return uses;
    },
    async public(card) {
      if (!(await viaUrl(card, 'in_channel'))) await surface.post(channel, card);
    },
    async private(card) {
      if (!(await viaUrl(card, 'ephemeral'))) await surface.ephemeral(channel, actor, card);
    },
  };
};

/**
 * Only Slack's own hooks host (or the configured API's host, for a test fake) may receive
 * answers: a signed request is trusted, but not to make patchbot POST anywhere it names.
 */
export const responseUrlAllowed = (url: string, apiUrl: string | undefined): boolean => {
  try {
    const target = new URL(url);
    if (target.protocol === 'https:' && target.hostname === 'hooks.slack.com') return true;
    return apiUrl !== undefined && target.origin === new URL(apiUrl).origin;
  } catch {
    return false;
  }
};

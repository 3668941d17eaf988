import type { Logger } from '../../src/shared/logger.ts';
import { type ChannelLanes, createChannelLanes } from '../../src/shared/channel-lanes.ts';
import { ConnectorError } from './errors.ts';
import { ResourceResponse, RosterMember } from './schema.ts';

export interface ConnectorOptions {
  /** A bearer token for the Connector (client credentials from the login authority). */
  token: () => Promise<string>;
  log: Logger;
  /** Retries of one call on 429/412/502/503/504 before it fails. */
  maxAttempts?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface Connector {
  /** A new conversation: a top-level channel post, or a 1:1 chat with a member. */
  createConversation(serviceUrl: string, body: Record<string, unknown>): Promise<ResourceResponse>;
  send(serviceUrl: string, conversationId: string, activity: Record<string, unknown>): Promise<ResourceResponse>;
  update(serviceUrl: string, conversationId: string, activityId: string, activity: Record<string, unknown>): Promise<void>;
  member(serviceUrl: string, conversationId: string, userId: string): Promise<RosterMember>;
  idle(): Promise<void>;
}

const RETRIED = new Set([412, 429, 502, 503, 504]);
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retry-After in seconds or as an HTTP date; absent: exponential backoff with jitter. */
const waitOf = (header: string | null, attempt: number): number => {
  if (header && /^\d+$/.test(header.trim())) return Number(header) * 1000;
  const date = header ? Date.parse(header) : NaN;
  if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  return Math.min(30_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
};

const base = (serviceUrl: string) => serviceUrl.replace(/\/+$/, '');
const conv = (id: string) => encodeURIComponent(id);

/**
 * The Bot Connector REST API (integrations §2.4) with plain fetch: botbuilder's ConnectorClient
 * neither paces nor lets us see a 429's Retry-After. Calls are serialised per conversation (a
 * decision never overtakes the card it decides; a 429 holds back that conversation only) and
 * paced at Teams' per-thread limit (~60 per 30 s, bursts of 7); a 429 is waited out and retried.
 */
export const createConnector = ({ token, log, maxAttempts = 6, timeoutMs = 15_000, sleep = realSleep }: ConnectorOptions): Connector => {
  const lanes: ChannelLanes = createChannelLanes({ burst: 7, perSecond: 2 });

  const call = async (operation: string, method: string, url: string, body?: unknown): Promise<unknown> => {
    for (let attempt = 1; ; attempt += 1) {
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: { authorization: `Bearer ${await token()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new ConnectorError(operation, 0, (error as Error).message);
      }
      if (response.ok) {
        const raw = await response.text();
        return raw ? (JSON.parse(raw) as unknown) : {};
      }
      const detail = (await response.text()).slice(0, 200);
      if (!RETRIED.has(response.status) || attempt >= maxAttempts) throw new ConnectorError(operation, response.status, detail || response.statusText);
      const waitMs = waitOf(response.headers.get('retry-after'), attempt);
      log.warn({ operation, status: response.status, waitMs, attempt }, 'teams connector asked to wait');
      await sleep(waitMs);
    }
  };

  // A thread's conversation (`19:…;messageid=1`) shares its channel's limits.
  const lane = (conversationId: string) => conversationId.split(';')[0]!;

  return {
    createConversation: (serviceUrl, body) => {
      const key = (body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ?? 'create';
      return lanes.run(key, async () => ResourceResponse.parse(await call('createConversation', 'POST', `${base(serviceUrl)}/v3/conversations`, body)));
    },
    send: (serviceUrl, conversationId, activity) =>
      lanes.run(lane(conversationId), async () =>
        ResourceResponse.parse(await call('sendToConversation', 'POST', `${base(serviceUrl)}/v3/conversations/${conv(conversationId)}/activities`, activity)),
      ),
    update: (serviceUrl, conversationId, activityId, activity) =>
      lanes.run(lane(conversationId), async () => {
        await call('updateActivity', 'PUT', `${base(serviceUrl)}/v3/conversations/${conv(conversationId)}/activities/${encodeURIComponent(activityId)}`, { ...activity, id: activityId });
      }),
    member: async (serviceUrl, conversationId, userId) =>
      RosterMember.parse(await call('getConversationMember', 'GET', `${base(serviceUrl)}/v3/conversations/${conv(conversationId)}/members/${encodeURIComponent(userId)}`)),
    idle: () => lanes.idle(),
  };
};

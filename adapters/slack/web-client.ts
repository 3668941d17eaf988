import { type Logger as SlackLogger, LogLevel, webApi } from '@slack/bolt';
import type { Logger } from '../../src/shared/logger.ts';

export const SLACK_API_URL = 'https://slack.com/api/';

const text = (parts: unknown[]) => parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : JSON.stringify(p))).join(' ');

/**
 * Bolt and the WebClient log through @slack/logger; this sends their lines to our pino child with
 * one fixed message and the SDK's words in `detail`. Levels are pino's to decide (setLevel is a
 * no-op), and pino's scrubber removes any token an SDK line might carry. Note the WebClient warns
 * "http request failed" for every 429 it is about to wait out: expected during a storm.
 */
export const boltLogger = (log: Logger): SlackLogger => ({
  // The SDK's debug lines carry whole request bodies: trace, so `debug` stays readable.
  debug: (...parts: unknown[]) => log.trace({ detail: text(parts) }, 'slack sdk'),
  info: (...parts: unknown[]) => log.info({ detail: text(parts) }, 'slack sdk'),
  warn: (...parts: unknown[]) => log.warn({ detail: text(parts) }, 'slack sdk'),
  error: (...parts: unknown[]) => log.error({ detail: text(parts) }, 'slack sdk'),
  setLevel: () => undefined,
  getLevel: () => LogLevel.DEBUG,
  setName: () => undefined,
});

/**
 * WebClient options for every Slack call patchbot makes. On 429 the client itself reads
 * Retry-After, pauses its queue that long and retries (integrations §1.10; test/slack checks it
 * against the fake); the retry policy below only adds a short backoff on top, so a storm costs
 * Retry-After plus a fraction of a second per round instead of the SDK default's 1–2 s doubling.
 * The timeout bounds each attempt (DESIGN §8: timeouts on every remote call).
 */
export const webClientOptions = ({ apiUrl, log, retries = 10 }: { apiUrl: string | undefined; log: Logger; retries?: number }): webApi.WebClientOptions => ({
  slackApiUrl: apiUrl ?? SLACK_API_URL,
  logger: boltLogger(log),
  timeout: 10_000,
  retryConfig: { retries, factor: 1.6, minTimeout: 100, maxTimeout: 10_000, randomize: true },
});

export const createWebClient = (token: string, options: { apiUrl: string | undefined; log: Logger; retries?: number }): webApi.WebClient =>
  new webApi.WebClient(token, webClientOptions(options));

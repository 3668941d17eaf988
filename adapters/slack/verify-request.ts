import type { IncomingHttpHeaders } from 'node:http';
import { verifySlackRequest } from '@slack/bolt';

export type Verdict = { ok: true } | { ok: false; reason: 'missing-headers' | 'stale' | 'bad-signature' };

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Slack's request signing (integrations.md §1.2), checked with Bolt's own verifier so we agree
 * with it byte for byte: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` under the signing
 * secret, compared in constant time (tsscmp), and a timestamp no older than 5 minutes — which is
 * what makes a captured request useless for a replay later.
 */
export const verifyRequest = (headers: IncomingHttpHeaders, rawBody: string, signingSecret: string, nowMs: number = Date.now()): Verdict => {
  const signature = header(headers, 'x-slack-signature');
  const timestamp = header(headers, 'x-slack-request-timestamp');
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing-headers' };
  try {
    verifySlackRequest({ signingSecret, body: rawBody, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) }, nowMilliseconds: nowMs });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: /stale/.test((error as Error).message) ? 'stale' : 'bad-signature' };
  }
};

import type { IncomingHttpHeaders } from 'node:http';
import { verifySlackRequest } from '@slack/bolt';

export type Verdict = { ok: true } | { ok: false; reason: 'missing-headers' | 'stale' | 'future' | 'bad-signature' };

/** Slack's replay window, both ways: Bolt refuses only the old side. */
const WINDOW_S = 5 * 60;

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Slack's request signing (integrations.md §1.2), checked with Bolt's own verifier so we agree
 * with it byte for byte: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` under the signing
 * secret, compared in constant time (tsscmp), and a timestamp no older than 5 minutes — which is
 * what makes a captured request useless for a replay later. Bolt does not refuse timestamps in
 * the future, so a request signed (by a leaked secret or a skewed sender) for later would stay
 * replayable until then: those more than 5 minutes ahead are refused here too.
 */
export const verifyRequest = (headers: IncomingHttpHeaders, rawBody: string, signingSecret: string, nowMs: number = Date.now()): Verdict => {
  const signature = header(headers, 'x-slack-signature');
  const timestamp = header(headers, 'x-slack-request-timestamp');
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing-headers' };
  if (Number(timestamp) > Math.floor(nowMs / 1000) + WINDOW_S) return { ok: false, reason: 'future' };
  try {
    verifySlackRequest({ signingSecret, body: rawBody, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) }, nowMilliseconds: nowMs });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: /stale/.test((error as Error).message) ? 'stale' : 'bad-signature' };
  }
};

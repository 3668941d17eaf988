import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { actionInteraction, plainText } from './inbound.ts';
import { BlockActions } from './schema.ts';
import { verifyRequest } from './verify-request.ts';

const SECRET = '8f742231b10e8888abcd99aaabbb85a5';
const NOW = 1_700_000_000_000;
const signed = (body: string, ts: number, secret = SECRET) => ({
  'x-slack-request-timestamp': String(ts),
  'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`,
});

describe('request verification', () => {
  const body = 'payload=%7B%7D';
  const now = NOW / 1000;
  it.each([
    ['a fresh, correctly signed request', signed(body, now), body, { ok: true }],
    ['a timestamp 5 minutes old', signed(body, now - 300), body, { ok: true }],
    ['a timestamp 5 minutes ahead (clock skew)', signed(body, now + 300), body, { ok: true }],
    ['a timestamp more than 5 minutes in the future (Bolt alone would accept it)', signed(body, now + 301), body, { ok: false, reason: 'future' }],
    ['a timestamp a year ahead', signed(body, now + 365 * 86_400), body, { ok: false, reason: 'future' }],
    ['a replay older than 5 minutes', signed(body, now - 301), body, { ok: false, reason: 'stale' }],
    ['another secret', signed(body, now, 'f'.repeat(32)), body, { ok: false, reason: 'bad-signature' }],
    ['a body changed after signing', signed(body, now), `${body}x`, { ok: false, reason: 'bad-signature' }],
    ['a v1 signature', { ...signed(body, now), 'x-slack-signature': 'v1=00' }, body, { ok: false, reason: 'bad-signature' }],
    ['no signature', { 'x-slack-request-timestamp': String(now) }, body, { ok: false, reason: 'missing-headers' }],
    ['a timestamp that is not a number', { ...signed(body, now), 'x-slack-request-timestamp': 'soon' }, body, { ok: false, reason: 'missing-headers' }],
  ])('%s', (_what, headers, raw, verdict) => {
    expect(verifyRequest(headers, raw, SECRET, NOW)).toEqual(verdict);
  });
});

describe('inbound text and ids', () => {
  it.each([
    ['<@U0BOT> which servers are missing KB5034441?', 'which servers are missing KB5034441?'],
    ['<@U0BOT|patchbot> status web-01', 'status web-01'],
    ['pending in <#C0WEB|web> &amp; more &lt;now&gt;', 'pending in web & more <now>'],
    ['see <https://example.com/x|the runbook> or <https://example.com>', 'see the runbook or https://example.com'],
    // Other mentions stay (the grammar refuses them); spaces are folded by normalizeText later.
    ['<@U0OTHER> and <@U0BOT> help', '<@U0OTHER> and   help'],
  ])('reads %j as %j', (text, expected) => {
    expect(plainText(text, 'U0BOT')).toBe(expected);
  });

  const click = (actionTs: string, ephemeral = false) =>
    BlockActions.parse({
      type: 'block_actions',
      user: { id: 'U1', username: 'bob' },
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C1', is_ephemeral: ephemeral },
      actions: [{ action_id: 'change.approve', value: 'CHG-1', action_ts: actionTs }],
    });
  const actor = { person: null, surfaceUserId: 'U1', displayName: 'bob' };

  it('gives a redelivered click the same id and a second click its own', () => {
    const at = new Date();
    const first = actionInteraction(click('1700000001.000200'), actor, at);
    expect(first).toMatchObject({
      id: 'action:1700000001.000200:U1:change.approve',
      channel: 'C1',
      message: { surface: 'slack', channel: 'C1', id: '1700000000.000100' },
      action: { id: 'change.approve', value: 'CHG-1' },
    });
    expect(actionInteraction(click('1700000001.000200'), actor, at)?.id).toBe(first?.id);
    expect(actionInteraction(click('1700000001.000300'), actor, at)?.id).not.toBe(first?.id);
  });

  it('does not offer an ephemeral message for editing (chat.update cannot touch it)', () => {
    expect(actionInteraction(click('1.2', true), actor, new Date())?.message).toBeUndefined();
  });
});

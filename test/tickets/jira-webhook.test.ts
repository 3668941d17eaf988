import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jiraTicketing } from '../../adapters/jira/jira-ticketing.ts';
import { verifyJiraWebhook } from '../../adapters/jira/webhook.ts';
import { hmacSha256Hex } from '../../src/tickets/hmac.ts';
import { type FakeJira, startFakeJira } from '../support/fake-jira.ts';
import { draft, startWebhookSink } from './drafts.ts';

describe('Jira webhook (X-Hub-Signature)', () => {
  const SECRET = 'jira-webhook-secret';
  let jira: FakeJira;
  let sink: Awaited<ReturnType<typeof startWebhookSink>>;
  let key: string;

  beforeAll(async () => {
    jira = await startFakeJira();
    sink = await startWebhookSink((headers, raw) => verifyJiraWebhook(headers, raw, SECRET));
    key = (await jiraTicketing(jira.config()).open(draft({ changeId: 'CHG-601', approvalInItsm: true }))).key;
  });
  afterAll(async () => {
    await sink.close();
    await jira.stop();
  });

  it('accepts a signed delivery and keys it by the signed body, not by the unsigned X-Atlassian-Webhook-Identifier', async () => {
    expect((await jira.fireWebhook(sink.url, key, SECRET, { deliveryId: 'delivery-1' })).status).toBe(200);
    const first = sink.verdicts.at(-1);
    expect(first).toEqual({
      ok: true,
      nudge: { system: 'jira', key, id: jira.issue(key).id, approval: null, status: 'Awaiting approval', deliveryId: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    // A later event reusing the identifier (an attacker pre-empting it) is still a new delivery.
    await new Promise((r) => setTimeout(r, 2));
    await jira.fireWebhook(sink.url, key, SECRET, { deliveryId: 'delivery-1' });
    const second = sink.verdicts.at(-1);
    expect(second?.ok && first?.ok && second.nudge.deliveryId !== first.nudge.deliveryId).toBe(true);
  });

  it('gives a replayed body the same delivery id whatever identifier the replay carries', () => {
    const body = Buffer.from(JSON.stringify({ timestamp: 1_700_000_000_000, webhookEvent: 'jira:issue_updated', issue: { id: '10001', key: 'OPS-1' } }));
    const signature = `sha256=${hmacSha256Hex(SECRET, body)}`;
    const original = verifyJiraWebhook({ 'x-hub-signature': signature, 'x-atlassian-webhook-identifier': 'a1' }, body, SECRET);
    const replay = verifyJiraWebhook({ 'x-hub-signature': signature, 'x-atlassian-webhook-identifier': 'fresh-id-from-the-attacker' }, body, SECRET);
    expect(original.ok && replay.ok && replay.nudge.deliveryId === original.nudge.deliveryId).toBe(true);
  });

  it('refuses a forged signature and a tampered body', async () => {
    expect((await jira.fireWebhook(sink.url, key, 'not-the-secret')).status).toBe(401);
    expect(sink.verdicts.at(-1)).toMatchObject({ ok: false, refusal: 'bad-signature' });
    expect((await jira.fireWebhook(sink.url, key, SECRET, { tamper: true })).status).toBe(401);
    expect(sink.verdicts.at(-1)).toMatchObject({ ok: false, refusal: 'bad-signature' });
  });

  it('refuses unsigned deliveries, runs off without a secret, and derives a delivery id when the header is absent', () => {
    const body = Buffer.from(JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { id: '10001', key: 'OPS-1' } }));
    expect(verifyJiraWebhook({}, body, SECRET)).toMatchObject({ ok: false, refusal: 'missing-signature' });
    expect(verifyJiraWebhook({ 'x-hub-signature': 'sha256=00' }, body, undefined)).toMatchObject({ ok: false, refusal: 'not-configured' });
    expect(verifyJiraWebhook({ 'x-hub-signature': `sha1=${hmacSha256Hex(SECRET, body)}` }, body, SECRET)).toMatchObject({ ok: false, refusal: 'bad-signature' });
    const signed = { 'x-hub-signature': `sha256=${hmacSha256Hex(SECRET, body)}` };
    const first = verifyJiraWebhook(signed, body, SECRET);
    expect(first).toMatchObject({ ok: true, nudge: { key: 'OPS-1', status: null, deliveryId: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(verifyJiraWebhook(signed, body, SECRET)).toEqual(first);
    const noIssue = Buffer.from('{"webhookEvent":"jira:issue_updated"}');
    expect(verifyJiraWebhook({ 'x-hub-signature': `sha256=${hmacSha256Hex(SECRET, noIssue)}` }, noIssue, SECRET)).toMatchObject({ ok: false, refusal: 'malformed' });
  });
});

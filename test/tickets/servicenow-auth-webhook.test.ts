import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceNowTicketing } from '../../adapters/servicenow/servicenow-ticketing.ts';
import { verifyServiceNowWebhook } from '../../adapters/servicenow/webhook.ts';
import { hmacSha256Hex } from '../../src/tickets/hmac.ts';
import { TicketingError } from '../../src/tickets/ticketing-error.ts';
import { type FakeServiceNow, startFakeServiceNow } from '../support/fake-servicenow.ts';
import { draft, startWebhookSink } from './drafts.ts';

const OAUTH = { clientId: 'patchbot-client', clientSecret: 'client-secret' };
const tokenRequests = (sn: FakeServiceNow) => sn.requests.filter((r) => r.path === '/oauth_token.do').length;

describe('ServiceNow OAuth', () => {
  let sn: FakeServiceNow;
  beforeAll(async () => {
    sn = await startFakeServiceNow({ oauth: { ...OAUTH, tokenTtlSeconds: 1800 } });
  });
  afterAll(() => sn.stop());

  it('uses one password-grant token for many calls, and renews it after a 401', async () => {
    const tickets = serviceNowTicketing(sn.config({ oauth: OAUTH }));
    const ref = await tickets.open(draft({ changeId: 'CHG-301' }));
    await tickets.find('CHG-301');
    expect(tokenRequests(sn)).toBe(1);
    sn.revokeTokens();
    expect(await tickets.find('CHG-301')).toEqual(ref);
    expect(tokenRequests(sn)).toBe(2);
    expect(sn.requests.filter((r) => r.status === 401)).toHaveLength(1);
  });

  it('refreshes a token that is about to expire', async () => {
    const shortLived = await startFakeServiceNow({ oauth: { ...OAUTH, tokenTtlSeconds: 30 } });
    try {
      const tickets = serviceNowTicketing(shortLived.config({ oauth: OAUTH }));
      await tickets.find('CHG-1');
      await tickets.find('CHG-1');
      // 30 s is inside the renewal margin, so each call renews, by refresh token after the first.
      expect(shortLived.requests.map((r) => r.path)).toEqual(['/oauth_token.do', '/api/now/table/change_request', '/oauth_token.do', '/api/now/table/change_request']);
    } finally {
      await shortLived.stop();
    }
  });

  it('says the OAuth client is wrong as an auth error', async () => {
    const tickets = serviceNowTicketing(sn.config({ oauth: { ...OAUTH, clientSecret: 'wrong' } }));
    const error = await tickets.find('CHG-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TicketingError);
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect((error as Error).message).toContain('ServiceNow refused the OAuth password grant for patchbot.integration (401');
  });
});

describe('ServiceNow approval webhook', () => {
  const SECRET = 'webhook-secret';
  let sn: FakeServiceNow;
  let sink: Awaited<ReturnType<typeof startWebhookSink>>;
  let number: string;

  beforeAll(async () => {
    sn = await startFakeServiceNow();
    sink = await startWebhookSink((headers, raw) => verifyServiceNowWebhook(headers, raw, SECRET));
    number = (await serviceNowTicketing(sn.config()).open(draft({ changeId: 'CHG-310', approvalInItsm: true }))).key;
    sn.approve(number);
  });
  afterAll(async () => {
    await sink.close();
    await sn.stop();
  });

  it("accepts the business rule's base64 signature and says which change to re-check", async () => {
    expect((await sn.fireWebhook(sink.url, number, SECRET)).status).toBe(200);
    const change = sn.change(number);
    expect(sink.verdicts.at(-1)).toEqual({
      ok: true,
      nudge: { system: 'servicenow', key: number, id: change.sys_id, approval: 'approved', status: '-2', deliveryId: `${change.sys_id}:${change.modCount}:-2:approved` },
    });
  });

  it('tells a redelivery from a second approval that ends in the same state and approval', async () => {
    const idOf = () => {
      const verdict = sink.verdicts.at(-1);
      if (!verdict?.ok) throw new Error(`expected an accepted delivery, got ${JSON.stringify(verdict)}`);
      return verdict.nudge.deliveryId;
    };
    await sn.fireWebhook(sink.url, number, SECRET);
    const first = idOf();
    await sn.fireWebhook(sink.url, number, SECRET, { redeliver: true });
    expect(idOf()).toBe(first);
    // The CAB is asked again and approves again: Scheduled and approved, as before, and news.
    sn.requestApprovalAgain(number);
    sn.approve(number);
    await sn.fireWebhook(sink.url, number, SECRET);
    expect(sn.change(number)).toMatchObject({ state: '-2', approval: 'approved' });
    expect(idOf()).not.toBe(first);
    // A business rule installed before it sent sys_mod_count still gets (sys_id, state, approval).
    const old = Buffer.from(JSON.stringify({ number, sys_id: 'abc', state: '-2', approval: 'approved' }));
    expect(verifyServiceNowWebhook({ 'x-patchbot-signature': `sha256=${hmacSha256Hex(SECRET, old)}` }, old, SECRET)).toMatchObject({ ok: true, nudge: { deliveryId: 'abc:-2:approved' } });
  });

  it('accepts a hex signature too', async () => {
    expect((await sn.fireWebhook(sink.url, number, SECRET, { encoding: 'hex' })).status).toBe(200);
  });

  it('refuses a forged signature and a tampered body', async () => {
    expect((await sn.fireWebhook(sink.url, number, 'guessed-secret')).status).toBe(401);
    expect(sink.verdicts.at(-1)).toMatchObject({ ok: false, refusal: 'bad-signature' });
    expect((await sn.fireWebhook(sink.url, number, SECRET, { tamper: true })).status).toBe(401);
    expect(sink.verdicts.at(-1)).toMatchObject({ ok: false, refusal: 'bad-signature' });
  });

  it('refuses an unsigned request, a missing secret and a signed body it cannot read', () => {
    const body = Buffer.from('{"number":"CHG0030001"}');
    expect(verifyServiceNowWebhook({}, body, SECRET)).toMatchObject({ ok: false, refusal: 'missing-signature' });
    expect(verifyServiceNowWebhook({ 'x-patchbot-signature': 'sha256=00' }, body, undefined)).toMatchObject({ ok: false, refusal: 'not-configured' });
    expect(verifyServiceNowWebhook({ 'x-patchbot-signature': 'sha256=zz' }, body, SECRET)).toMatchObject({ ok: false, refusal: 'bad-signature' });
    const signed = { 'x-patchbot-signature': `sha256=${hmacSha256Hex(SECRET, body)}` };
    expect(verifyServiceNowWebhook(signed, body, SECRET)).toMatchObject({ ok: false, refusal: 'malformed' });
    const notJson = Buffer.from('number=CHG0030001');
    expect(verifyServiceNowWebhook({ 'x-patchbot-signature': `sha256=${hmacSha256Hex(SECRET, notJson)}` }, notJson, SECRET)).toMatchObject({ ok: false, refusal: 'malformed' });
  });
});

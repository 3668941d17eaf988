import { createHmac } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../src/server/http-server.ts';
import { createMetricsRegistry } from '../../src/server/metrics.ts';
import { EventsReceiver } from '../../adapters/slack/events-receiver.ts';

const SECRET = '8f742231b10e8888abcd99aaabbb85a5';

/**
 * The receiver on a real HTTP server, without a Bolt App: every request below is refused (or, for
 * the control, reaches the point where the App would take it: 503 "not ready"), so none needs one.
 */
describe('Slack events receiver refuses before Bolt sees the request', () => {
  let server: HttpServer;
  let url: string;
  beforeAll(async () => {
    const log = pino({ level: 'silent' });
    server = createHttpServer({ host: '127.0.0.1', port: 0, log, metrics: createMetricsRegistry(), readiness: async () => ({ ok: true, checks: {} }) });
    server.route('POST', '/slack/events', new EventsReceiver({ signingSecret: SECRET, log }).handler);
    ({ url } = await server.listen());
  });
  afterAll(() => server.close({ drainMs: 100 }));

  const post = async (body: string, at: number, contentType = 'application/json') => {
    const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${at}:${body}`).digest('hex')}`;
    const res = await fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': contentType, 'x-slack-request-timestamp': String(at), 'x-slack-signature': signature },
      body,
    });
    return [res.status, await res.json()] as const;
  };
  const now = () => Math.floor(Date.now() / 1000);

  it('refuses a correctly signed request stamped more than 5 minutes in the future', async () => {
    expect(await post('{"type":"event_callback"}', now() + 3600)).toEqual([401, { error: 'request timestamp is more than 5 minutes in the future' }]);
  });

  it.each([
    ['null', 'null', 'application/json'],
    ['a number', '42', 'application/json'],
    ['a list', '[1,2]', 'application/json'],
    ['an interactivity payload of null', 'payload=null', 'application/x-www-form-urlencoded'],
  ])('answers a signed body of %s with 400, not 500', async (_what, body, contentType) => {
    expect(await post(body, now(), contentType)).toEqual([400, { error: 'the body must be a JSON object' }]);
  });

  it('lets a signed, current object through to the app (control)', async () => {
    expect(await post('{"type":"event_callback"}', now())).toEqual([503, { error: 'not ready' }]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleService, startConsoleService, TOKEN } from './support/console-service.ts';
import { raw } from './support/http.ts';

/** DESIGN §8 for the console, against the real server on loopback: forged hosts, origins, tokens. */
const json = { 'content-type': 'application/json' };
const question = JSON.stringify({ channel: 'dm:bob', as: 'bob', text: 'help' });

describe('console without a token (loopback only)', () => {
  let svc: ConsoleService;
  beforeAll(async () => {
    svc = await startConsoleService();
  });
  afterAll(async () => svc?.stop());

  it('serves the page to a loopback Host, with a strict content security policy', async () => {
    for (const host of [svc.host, `localhost:${new URL(svc.url).port}`]) {
      const page = await raw(`${svc.url}/`, { headers: { host } });
      expect(page.status, host).toBe(200);
      expect(page.body).toContain('<title>patchbot</title>');
    }
    const page = await raw(`${svc.url}/`);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'.*frame-ancestors 'none'/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect((await raw(`${svc.url}/console/app.js`)).headers['content-type']).toMatch(/text\/javascript/);
  });

  it('refuses a Host header that is not a loopback name (DNS rebinding)', async () => {
    for (const path of ['/', '/api/console/people', '/api/console/changes/CHG-1/waves?as=bob', '/console/app.js']) {
      const rebound = await raw(`${svc.url}${path}`, { headers: { host: `attacker.example:${new URL(svc.url).port}` } });
      expect(rebound.status, path).toBe(403);
      expect(rebound.json().error).toMatch(/DNS rebinding/);
    }
  });

  it('refuses cross-origin writes and non-JSON bodies (CSRF)', async () => {
    const send = (headers: Record<string, string>) => raw(`${svc.url}/api/console/messages`, { method: 'POST', headers, body: question });
    const forged = await send({ ...json, origin: 'http://attacker.example' });
    expect(forged.status).toBe(403);
    expect(forged.json().error).toMatch(/cross-origin/);
    expect((await send({ ...json, origin: `http://localhost:${new URL(svc.url).port}`, host: svc.host })).status).toBe(403); // another origin on the same machine
    expect((await send({ ...json, origin: 'null' })).status).toBe(403);
    expect((await send({ ...json, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    // A form post cannot send JSON's content type without a CORS preflight we never answer.
    const form = await send({ 'content-type': 'text/plain', origin: `http://${svc.host}` });
    expect(form.status).toBe(415);
    // The page's own request passes.
    expect((await send({ ...json, origin: `http://${svc.host}`, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    // And so does a script without Origin (curl).
    expect((await send(json)).status).toBe(200);
    // Nobody consumed the refused ones: bob's DM holds exactly the two accepted `help`s.
    const dm = await raw(`${svc.url}/api/console/channels/dm%3Abob/messages?as=bob`);
    expect((dm.json().messages as { text: string | null }[]).filter((m) => m.text === 'help')).toHaveLength(2);
  });

  it('refuses what a reverse proxy on this machine relayed: its peer is loopback, its client is not', async () => {
    // nginx/Caddy/Traefik in front of 127.0.0.1:8080 connect from loopback and (proxy_set_header Host $proxy_host) name it too.
    const relayed = { host: svc.host, 'x-forwarded-for': '203.0.113.9' };
    const helps = async () => ((await raw(`${svc.url}/api/console/channels/dm%3Abob/messages?as=bob`)).json().messages as { text: string | null }[]).filter((m) => m.text === 'help').length;
    const before = await helps();
    for (const [name, value] of [
      ['x-forwarded-for', '203.0.113.9'],
      ['forwarded', 'for=203.0.113.9'],
      ['x-real-ip', '203.0.113.9'],
      ['x-forwarded-host', 'patch.example.com'],
    ] as const) {
      const page = await raw(`${svc.url}/api/console/people`, { headers: { host: svc.host, [name]: value } });
      expect(page.status, name).toBe(403);
      expect(page.json().error, name).toMatch(/proxy/);
    }
    const vote = await raw(`${svc.url}/api/console/messages`, { method: 'POST', headers: { ...json, ...relayed }, body: JSON.stringify({ channel: 'dm:bob', as: 'bob', text: 'help' }) });
    expect(vote.status).toBe(403);
    expect((await raw(`${svc.url}/`, { headers: relayed })).status).toBe(403);
    // Nothing was said as bob: his DM holds no `help` from the relayed request.
    expect(await helps()).toBe(before);
  });

  it('leaves the service endpoints (health) alone', async () => {
    expect((await raw(`${svc.url}/healthz`, { headers: { host: 'attacker.example' } })).status).toBe(200);
  });
});

describe('console with a token', () => {
  let svc: ConsoleService;
  beforeAll(async () => {
    svc = await startConsoleService({ token: TOKEN });
  });
  afterAll(async () => svc?.stop());

  it('refuses requests without the token or with a wrong one', async () => {
    const none = await raw(`${svc.url}/api/console/people`);
    expect(none.status).toBe(401);
    expect(none.json().error).toMatch(/open \/\?token=<token> once/);
    expect((await raw(`${svc.url}/api/console/people`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect((await raw(`${svc.url}/api/console/people`, { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(401);
    expect((await raw(`${svc.url}/api/console/changes/CHG-1/waves?as=bob`)).status).toBe(401);
    expect((await raw(`${svc.url}/`)).status).toBe(401);
    // Not even which endpoints exist.
    expect((await raw(`${svc.url}/api/console/no-such-endpoint`)).status).toBe(401);
    expect((await raw(`${svc.url}/?token=wrong-token-wrong-token`)).status).toBe(401);
    expect((await raw(`${svc.url}/api/console/people`, { headers: { cookie: `patchbot_console=${TOKEN}` } })).status).toBe(401);
  });

  it('accepts the bearer token, from any Host name (the token, not the name, is the guard)', async () => {
    const ok = await raw(`${svc.url}/api/console/people`, { headers: { authorization: `Bearer ${TOKEN}`, host: 'patchbot.example.com' } });
    expect(ok.status).toBe(200);
    // Past the guard, the waves endpoint answers for itself: there is no such change.
    const waves = await raw(`${svc.url}/api/console/changes/CHG-1/waves?as=bob`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(waves.status).toBe(404);
  });

  it('trades /?token= for an HttpOnly SameSite=Strict cookie and a redirect that drops the token', async () => {
    const login = await raw(`${svc.url}/?token=${TOKEN}`);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/^patchbot_console=[^;]+; HttpOnly; SameSite=Strict; Path=\//);
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0]!;
    expect((await raw(`${svc.url}/`, { headers: { cookie: session } })).status).toBe(200);
    expect((await raw(`${svc.url}/api/console/people`, { headers: { cookie: `other=1; ${session}` } })).status).toBe(200);
    const write = (origin: string) => raw(`${svc.url}/api/console/messages`, { method: 'POST', headers: { ...json, cookie: session, origin }, body: question });
    expect((await write('http://attacker.example')).json().error).toMatch(/cross-origin/);
    // Past the CSRF check, the server token still speaks for nobody (#13): no `as=bob`.
    const same = await write(`http://${svc.host}`);
    expect(same.status).toBe(403);
    expect(same.json().error).toMatch(/acts as nobody/);
  });
});

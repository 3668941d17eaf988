import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.ts';
import { type ConsoleService, startConsoleService, WEB_ESTATE } from './support/console-service.ts';

/**
 * #13 item 1, the whole sign-in in Chromium against a real OpenID provider (oidc-provider) on
 * loopback: authorization code + PKCE, the ID token's email mapped to people[], a person not in
 * people[] refused, a tampered session cookie refused, sign-out (which ends the session on the
 * server: a copied cookie stops working), and a callback carried to another
 * browser (login CSRF) refused.
 */
const freePort = async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
};

let idp: Server;
let svc: ConsoleService;
let browser: Browser;

beforeAll(async () => {
  const idpPort = await freePort();
  const consolePort = await freePort();
  const issuer = `http://127.0.0.1:${idpPort}`;
  const redirectUrl = `http://127.0.0.1:${consolePort}/auth/callback`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'patchbot', client_secret: 'patchbot-client-secret', redirect_uris: [redirectUrl], grant_types: ['authorization_code'], response_types: ['code'] }],
    // Any login name signs in; its email is <login>@example.com (alice…erin are in people[], mallory is not).
    // unverified-<name>: the same email, but the IdP does not say it is verified (as Entra ID never does).
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () =>
        id.startsWith('unverified-') ? { sub: id, email: `${id.slice('unverified-'.length)}@example.com` } : { sub: id, email: `${id}@example.com`, email_verified: true },
    }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    cookies: { keys: ['oidc-provider-test-cookie-key'] },
  });
  const handle = provider.callback();
  idp = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => idp.listen(idpPort, '127.0.0.1', resolve));
  // accessRecheck: an open tab learns of a sign-out elsewhere within a second, not the default minute.
  const oidc = `chat:\n  console:\n    accessRecheck: 1s\n    oidc:\n      issuer: ${issuer}\n      clientId: patchbot\n      clientSecret: patchbot-client-secret\n      redirectUrl: ${redirectUrl}\n`;
  svc = await startConsoleService({ port: consolePort, estate: { ...WEB_ESTATE, yaml: `${WEB_ESTATE.yaml}${oidc}` } });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
  idp?.closeAllConnections();
  await new Promise((resolve) => idp?.close(resolve));
});

/** Opens the console, is sent to the IdP, signs in as `login` and consents. */
const signIn = async (login: string): Promise<{ context: BrowserContext; page: Page }> => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(svc.url);
  await page.locator('input[name="login"]').fill(login);
  const password = page.locator('input[name="password"]');
  if (await password.count()) await password.fill('any');
  await page.locator('button[type="submit"]').click();
  await page.locator('button:has-text("Continue")').click();
  return { context, page };
};

const sessionOf = (page: Page) =>
  page.evaluate(async () => {
    const response = await fetch('/api/console/session');
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  });

describe('console sign-in with OpenID Connect', () => {
  it('signs bob in by his email, shows no person picker, and signs him out', async () => {
    const { context, page } = await signIn('bob');
    await page.locator('#mode-notice', { hasText: 'Signed in as bob' }).waitFor();
    expect(await page.locator('label.picker').isHidden()).toBe(true);
    await page.locator('#live[data-state="live"]').waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === 'patchbot_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(await sessionOf(page)).toEqual({ status: 200, body: { mode: 'person', person: 'bob', via: 'session', signOut: '/auth/logout' } });
    // bob's session cannot speak for carol.
    const asCarol = await page.evaluate(async () => (await fetch('/api/console/channels?as=carol')).status);
    expect(asCarol).toBe(403);

    // A link or image on another site cannot sign him out: GET is refused, a cross-site POST too.
    const forged = await context.request.get(`${svc.url}/auth/logout`);
    expect(forged.status()).toBe(405);
    const crossSite = await context.request.post(`${svc.url}/auth/logout`, { headers: { origin: 'https://evil.example' } });
    expect(crossSite.status()).toBe(403);
    expect((await sessionOf(page)).status).toBe(200);

    await page.locator('#sign-out').click();
    await page.locator('#signed-out').waitFor();
    expect((await context.cookies()).find((c) => c.name === 'patchbot_session')).toBeUndefined();
    // A copy of the cookie taken before signing out (another browser, a proxy's log) is refused too.
    const copy = await browser.newContext();
    await copy.addCookies([cookie]);
    const replayed = await copy.request.get(`${svc.url}/api/console/session`);
    expect(replayed.status()).toBe(401);
    expect(((await replayed.json()) as { error: string }).error).toMatch(/signed out/);
    await copy.close();
    await context.close();
  });

  it('tells a tab left open that it was signed out elsewhere, and clears what it showed', async () => {
    const { context, page } = await signIn('dave');
    await page.locator('#live[data-state="live"][data-person="dave"]').waitFor();
    expect(await page.locator('#messages').innerText()).not.toMatch(/Signed out/);
    // `patchbot sign-out dave`, as the CLI does it, while his tab stays open: the server ends his
    // stream at its next check (accessRecheck), and the page's reconnect is refused.
    expect(await svc.store.signInSessions.endAllOf('dave', new Date())).toBe(1);
    await page.locator('#live[data-state="signed-out"]').waitFor();
    expect(await page.locator('#mode-notice').innerText()).toMatch(/^Signed out: the sign-in session is invalid or expired, or was signed out.* Sign in again$/);
    expect(await page.locator('#messages').innerText()).toMatch(/^Signed out\. Nothing is shown here until you sign in again\.$/);
    expect(await page.locator('#input').isDisabled()).toBe(true);
    expect(await page.locator('#sign-in-again').getAttribute('href')).toBe('/');
    await context.close();
  });

  it('refuses an email the IdP does not say is verified, and says what to configure', async () => {
    const { context, page } = await signIn('unverified-carol');
    await expect.poll(() => page.locator('body').innerText()).toMatch(/did not say whether carol@example\.com is verified .*chat\.console\.oidc\.trustUnverifiedEmail: true/s);
    expect((await context.cookies()).find((c) => c.name === 'patchbot_session')).toBeUndefined();
    await context.close();
  });

  it('refuses a tampered session cookie', async () => {
    const { context, page } = await signIn('erin');
    await page.locator('#mode-notice', { hasText: 'Signed in as erin' }).waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === 'patchbot_session')!;
    const [, mac] = cookie.value.split('.');
    const asAlice = `${Buffer.from(JSON.stringify({ k: 'session', v: 'alice', exp: Date.now() + 3600_000 })).toString('base64url')}.${mac}`;
    await context.addCookies([{ ...cookie, value: asAlice }]);
    const session = await sessionOf(page);
    expect(session.status).toBe(401);
    expect(session.body.error).toMatch(/invalid or expired/);
    await context.close();
  });

  it('finishes a sign-in only in the browser that started it (a callback URL carried elsewhere is refused)', async () => {
    const starter = await browser.newContext();
    const page = await starter.newPage();
    // Note the IdP's redirect back to patchbot, as an attacker would to hand the URL to a victim.
    let callback = '';
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/auth/callback') callback = request.url();
    });
    await page.goto(svc.url);
    expect((await starter.cookies()).find((c) => c.name === 'patchbot_login')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await page.locator('input[name="login"]').fill('mallory');
    const password = page.locator('input[name="password"]');
    if (await password.count()) await password.fill('any');
    await page.locator('button[type="submit"]').click();
    await page.locator('button:has-text("Continue")').click();
    await expect.poll(() => callback).toContain('code=');
    await expect.poll(() => page.textContent('body')).toMatch(/mallory@example.com signed in, but no one in people\[\] has that email/);

    const victim = await browser.newContext();
    const victimPage = await victim.newPage();
    const refused = await victimPage.goto(callback);
    expect(refused?.status()).toBe(400);
    expect(await victimPage.textContent('body')).toMatch(/not started in this browser/);
    expect((await victim.cookies()).find((c) => c.name === 'patchbot_session')).toBeUndefined();
    await victim.close();
    await starter.close();
  });

  it('refuses a person the IdP knows but people[] does not', async () => {
    const { context, page } = await signIn('mallory');
    await expect.poll(() => page.textContent('body')).toMatch(/mallory@example.com signed in, but no one in people\[\] has that email/);
    expect((await context.cookies()).find((c) => c.name === 'patchbot_session')).toBeUndefined();
    await context.close();
  });
});

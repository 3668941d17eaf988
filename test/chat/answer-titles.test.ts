import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite } from '../support/engines.ts';
import { answerHandlers } from '../../src/chat/answers/handlers.ts';
import { dispatch } from '../../src/chat/dispatcher.ts';
import { checked, consoleInteraction } from '../support/chat.ts';
import { estateHost as host, NO_NEEDRESTART, scanAt } from '../support/estate-scans.ts';

/** Titles over a real store (fresh PGlite) whose host names are long: they shorten by whole names. */
const now = new Date('2024-05-01T12:00:00Z');
const ago = (hours: number) => new Date(now.getTime() - hours * 3600_000);

describe('long host names', () => {
  let long: Awaited<ReturnType<typeof freshPglite>>;
  const name = (i: number) => `win-prod-web-app-server-with-a-long-descriptive-name-${String(i).padStart(4, '0')}`;
  beforeAll(async () => {
    long = await freshPglite();
    const names = Array.from({ length: 20 }, (_, i) => name(i + 1));
    await long.store.hosts.sync(names.map((n) => host(n, 'fleet')));
    await long.store.groups.sync([{ name: 'fleet', production: false }]);
    await scanAt(long.store, 'scan-long', ago(1), Object.fromEntries(names.map((n, i) => [n, i < 10 ? { reboot: true } : { warnings: [NO_NEEDRESTART] }])));
  });
  afterAll(async () => long?.store.close());

  it('names fewer hosts in a title rather than cutting it inside a name or a count', async () => {
    const reply = checked(await dispatch(consoleInteraction('who needs a reboot?', now), { store: long.store, handlers: answerHandlers, now: () => now, newRef: () => 'ab12cd34' }));
    expect(reply.public?.title).toBe(`10 hosts need a reboot; 10 hosts could not be checked (${name(11)}, +9 more)`);
    expect(reply.public?.fields).toEqual([{ label: 'Scan could not tell', value: '10 hosts: Debian does not reliably create /var/run/reboot-required and needrestart is not installed' }]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite } from '../support/engines.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import type { FindingInput } from '../../src/discovery/discovery-store.ts';
import { answerHandlers } from '../../src/chat/answers/handlers.ts';
import { checked, consoleInteraction } from '../support/chat.ts';
import { estateHost as host, NO_NEEDRESTART, scanAt } from '../support/estate-scans.ts';
import { dispatch, type DispatchDeps } from '../../src/chat/dispatcher.ts';
import type { Interaction, InteractionKind } from '../../src/chat/interaction.ts';

/**
 * The read-only answers, asked through the dispatcher over a real store (fresh PGlite) seeded
 * through the store's own repositories: five hosts, two scans three hours apart, one host
 * unreachable in the latest, one never scanned.
 */
type OpenedStore = Awaited<ReturnType<typeof freshPglite>>;
const now = new Date('2024-05-01T12:00:00Z');
const ago = (hours: number) => new Date(now.getTime() - hours * 3600_000);
const patch = (id: string, severity: 'critical' | 'important' | 'moderate' | 'low', title: string) => ({
  id,
  title,
  severity,
  security: true,
  cves: [],
  rebootHint: false,
  firstSeen: ago(48),
});

const seed = async (store: PatchbotStore) => {
  await store.hosts.sync([host('web-01', 'prod-web'), host('web-02', 'prod-web'), host('web-03', 'prod-web'), host('stg-01', 'staging'), host('db-01', 'prod-db')]);
  await store.groups.sync([
    { name: 'prod-web', production: true },
    { name: 'staging', production: false },
    { name: 'prod-db', production: true },
    // No host lists it: an empty group.
    { name: 'prod-app', production: true },
  ]);
  await store.people.sync([{ name: 'alice', roles: ['oncall'] }]);
  await store.patches.upsert([
    patch('KB5034441', 'important', 'Windows Recovery Environment update'),
    patch('KB5034439', 'critical', 'Cumulative update'),
    patch('DSA-5600-1', 'moderate', 'openssl security update'),
    patch('USN-6600-1', 'low', 'curl update'),
    patch('deb:openssl@3.0.13-1~deb12u1', 'important', 'openssl 3.0.11 → 3.0.13'),
    patch('deb:curl@7.88.1-10+deb12u5', 'low', 'curl 7.88.1-10+deb12u4 → deb12u5'),
    patch('deb:curl@7.88.1-10+deb12u6', 'low', 'curl 7.88.1-10+deb12u4 → deb12u6'),
  ]);
  const missing = (patchId: string, state: FindingInput['state'] = 'missing'): FindingInput => ({ patchId, state });
  await scanAt(store, 'scan-1', ago(5), {
    'web-01': { findings: [missing('KB5034441'), missing('KB5034439')] },
    'web-02': { findings: [missing('KB5034441'), missing('DSA-5600-1', 'failed')] },
    'web-03': { findings: [missing('KB5034441')] },
    'stg-01': { findings: [missing('USN-6600-1'), missing('KB5034441', 'installed')] },
  });
  await scanAt(store, 'scan-2', ago(2), {
    'web-01': { findings: [missing('KB5034441'), missing('KB5034439')], reboot: false },
    'web-02': { findings: [missing('KB5034441', 'pending-reboot'), missing('DSA-5600-1', 'failed')], reboot: true },
    'web-03': { unreachable: true },
    'stg-01': { findings: [missing('USN-6600-1'), missing('KB5034441', 'installed')], warnings: [NO_NEEDRESTART] },
  });
};

let opened: OpenedStore;
let store: PatchbotStore;
const deps = (over: Partial<DispatchDeps> = {}): DispatchDeps => ({
  store,
  handlers: answerHandlers,
  now: () => now,
  newRef: () => 'ab12cd34',
  ...over,
});
const interaction = (text: string, kind: InteractionKind = 'question', over: Partial<Interaction> = {}): Interaction => consoleInteraction(text, now, kind, over);
const ask = (text: string, kind?: InteractionKind, over?: Partial<DispatchDeps>) => dispatch(interaction(text, kind), deps(over));

beforeAll(async () => {
  opened = await freshPglite();
  store = opened.store;
  await seed(store);
});
afterAll(async () => opened?.store.close());

describe('read-only answers', () => {
  it('lists the hosts missing a patch, with freshness naming the unreachable and never-scanned hosts', async () => {
    const reply = checked(await ask('which servers are missing KB5034441?'));
    expect(reply.intent).toEqual({ kind: 'missing', patch: 'KB5034441', target: null });
    expect(reply.error).toBeUndefined();
    expect(reply.public).toMatchObject({
      // web-03's latest scan failed and db-01 was never scanned: the headline says so.
      title: 'KB5034441 is missing on 2 hosts; 2 hosts could not be checked (web-03, db-01)',
      text: 'Windows Recovery Environment update — important, security',
      lists: [{ items: ['web-01', 'web-03'] }],
      context: 'from scans 2 h ago; 1 host unreachable (web-03 last seen 5 h ago); 1 host never scanned',
    });
    expect(reply.public?.fields).toEqual([
      { label: 'Missing', value: '2' },
      { label: 'Installed', value: '1' },
      { label: 'Awaiting reboot', value: '1' },
      { label: 'Not reported', value: '1' },
    ]);
    expect(reply.data).toMatchObject({ installed: ['stg-01'], pendingReboot: ['web-02'], notReported: ['db-01'], missing: [{ host: 'web-01' }, { host: 'web-03' }] });
  });

  it('narrows to a group, and its freshness to the group', async () => {
    const reply = checked(await ask('missing KB5034441 in prod-web', 'command'));
    expect(reply.public).toMatchObject({
      title: 'KB5034441 is missing on 2 hosts in prod-web; 1 host could not be checked (web-03)',
      context: 'from scans 2 h ago; 1 host unreachable (web-03 last seen 5 h ago)',
    });
  });

  it('says explicitly when nobody is missing a known patch', async () => {
    const staging = checked(await ask('which hosts in staging are missing KB5034441'));
    expect(staging.public?.title).toBe('KB5034441 is not missing on any host in staging');
    expect(staging.public?.text).toMatch(/No scanned host in staging reports it missing: installed on 1 host\./);
    expect(staging.public?.lists).toBeUndefined();
    const elsewhere = checked(await ask('missing USN-6600-1 in prod-web', 'command'));
    expect(elsewhere.public?.text).toMatch(/never reported by 3 hosts \(not applicable there, or not scanned\)/);
  });

  it('answers an unknown patch id with the nearest known ones, privately', async () => {
    const reply = checked(await ask('which servers are missing KB5034442?'));
    expect(reply.public).toBeUndefined();
    expect(reply.error).toMatchObject({ code: 'not-found', ref: 'ab12cd34', suggestions: expect.arrayContaining(['KB5034441']) });
    expect(reply.private?.text).toMatch(/^No scan has reported patch KB5034442 in the last 90 days\. Did you mean KB5034441/);
    expect(reply.private?.context).toBe('ref ab12cd34');
  });

  it('takes a package name for its one package update, and offers the versions when there are several', async () => {
    const one = checked(await ask('missing openssl', 'command'));
    expect(one.public?.title).toBe('deb:openssl@3.0.13-1~deb12u1 is not known to be missing on any host; 2 hosts could not be checked (web-03, db-01)');
    const several = checked(await ask('which hosts are missing curl?'));
    expect(several.error?.suggestions?.slice(0, 2)).toEqual(['deb:curl@7.88.1-10+deb12u5', 'deb:curl@7.88.1-10+deb12u6']);
  });

  it('answers an unknown group or host with the closest names', async () => {
    const reply = checked(await ask('missing KB5034441 in prod-wbe', 'command'));
    expect(reply.private?.text).toMatch(/^No group or host named `prod-wbe`\. Did you mean .*`prod-web`/);
    const host = checked(await ask('status of web-1'));
    expect(host.error?.suggestions).toContain('web-01');
  });

  it('gives a host status: missing by severity, reboot flag, last scan', async () => {
    const reply = checked(await ask('status of web-01'));
    expect(reply.public).toMatchObject({ title: 'web-01: 2 missing patches', lists: [{ items: ['KB5034439 (critical)', 'KB5034441 (important)'] }], context: 'from scans 2 h ago' });
    expect(reply.public?.fields).toEqual([
      { label: 'Missing', value: '1 critical, 1 important' },
      { label: 'Reboot', value: 'not required' },
      { label: 'Last scan', value: 'ok, 2 h ago' },
    ]);
    const down = checked(await ask('status web-03', 'command'));
    // Its patches are the last known ones: the title says as of when, the footer why they are not newer.
    expect(down.public?.title).toBe('web-03: 1 missing patch as of 5 h ago (latest scan unreachable)');
    expect(checked(await ask('status db-01', 'command')).public?.title).toBe('db-01: not scanned yet: nothing is known about its patches');
    expect(down.public?.fields).toContainEqual({ label: 'Last scan', value: 'unreachable 2 h ago: web-03: connect ECONNREFUSED' });
    expect(down.public?.context).toBe('last successful scan 5 h ago; latest attempt unreachable 2 h ago: web-03: connect ECONNREFUSED');
    expect(down.public?.fields).toContainEqual({ label: 'Reboot', value: 'unknown (latest scan unreachable)' });
  });

  it('treats "status of <group>" as the group\'s pending answer', async () => {
    const reply = checked(await ask('status of prod-web'));
    expect(reply.public?.title).toBe('3 patches pending on 3 hosts in prod-web; 1 host could not be checked (web-03)');
  });

  it('sums pending patches by severity, most urgent and widest first', async () => {
    const reply = checked(await ask("what's pending in prod-web?"));
    expect(reply.public?.fields).toEqual([
      { label: 'Critical', value: '1 patch on 1 host' },
      { label: 'Important', value: '1 patch on 2 hosts' },
      { label: 'Moderate', value: '1 patch on 1 host' },
    ]);
    expect(reply.public?.lists?.[0]?.items).toEqual(['KB5034439 (critical) — 1 host', 'KB5034441 (important) — 2 hosts', 'DSA-5600-1 (moderate) — 1 host']);
    const none = checked(await ask('pending prod-db', 'command'));
    expect(none.public).toMatchObject({
      title: 'Nothing known pending in prod-db; 1 host could not be checked (db-01)',
      context: 'no successful scan yet (run `scan`); 1 host never scanned',
    });
  });

  it('lists hosts waiting for a reboot, and counts those whose scan could not tell', async () => {
    const reply = checked(await ask('who needs a reboot?'));
    expect(reply.public).toMatchObject({ title: '1 host needs a reboot; 3 hosts could not be checked (stg-01, web-03, +1 more)', lists: [{ items: ['web-02 (as of 2 h ago)'] }] });
    // Why each could not be checked: the scan's own reason, the unreachable host, the host never scanned.
    expect(reply.public?.fields).toEqual([
      { label: 'Scan could not tell', value: '1 host: Debian does not reliably create /var/run/reboot-required and needrestart is not installed' },
      { label: 'Not scanned', value: '1 host (latest scan unreachable)' },
      { label: 'Never scanned', value: '1 host' },
    ]);
    expect(reply.data?.unknown).toEqual([{ host: 'stg-01', reason: 'Debian does not reliably create /var/run/reboot-required and needrestart is not installed' }]);
    // stg-01's scan did not say: "nobody" would hide "we do not know".
    const staging = checked(await ask('reboots staging', 'command'));
    expect(staging.public?.title).toBe('Not known whether any host needs a reboot in staging: 1 host could not be checked (stg-01)');
    const web = checked(await ask('reboots web-01', 'command'));
    expect(web.public?.title).toBe('web-01 does not need a reboot');
    expect(checked(await ask('reboots web-02', 'command')).public?.title).toBe('web-02 needs a reboot');
    expect(checked(await ask('reboots stg-01', 'command')).public?.title).toBe('Not known whether stg-01 needs a reboot: 1 host could not be checked (stg-01)');
    const down = checked(await ask('reboots prod-web', 'command'));
    expect(down.public?.title).toBe('1 host needs a reboot in prod-web; 1 host could not be checked (web-03)');
  });
});

describe('scopes that are empty, misnamed or half understood', () => {
  it('says an empty group has no hosts, never that all is well there', async () => {
    const reboots = checked(await ask('reboots prod-app', 'command'));
    expect(reboots.public).toMatchObject({ title: 'prod-app has no hosts', context: 'no hosts in prod-app' });
    expect(reboots.public?.text).toBeUndefined();
    const missing = checked(await ask('missing KB5034441 in prod-app', 'command'));
    expect(missing.public).toMatchObject({ title: 'prod-app has no hosts', text: 'Windows Recovery Environment update — important, security', context: 'no hosts in prod-app' });
    const pending = checked(await ask('pending prod-app', 'command'));
    expect(pending.public).toMatchObject({ title: 'prod-app has no hosts', context: 'no hosts in prod-app' });
  });

  it('shows the reason a reboot is unknown in a host status', async () => {
    const reply = checked(await ask('status of stg-01'));
    expect(reply.public?.fields).toContainEqual({ label: 'Reboot', value: 'unknown (Debian does not reliably create /var/run/reboot-required and needrestart is not installed)' });
  });

  it('takes a host or group name typed in another case when only one name matches', async () => {
    const reply = checked(await ask('status WEB-01', 'command'));
    expect(reply.public?.title).toBe('web-01: 2 missing patches');
    expect(checked(await ask('pending PROD-WEB', 'command')).public?.title).toMatch(/ in prod-web; /);
    expect(checked(await ask('status of web-1')).error?.code).toBe('not-found');
  });

  it('answers a scope said as the subject, and asks back about one it cannot place', async () => {
    const staging = checked(await ask('does staging need a reboot?'));
    expect(staging.intent).toEqual({ kind: 'reboots', target: 'staging' });
    expect(staging.public?.title).toBe('Not known whether any host needs a reboot in staging: 1 host could not be checked (stg-01)');
    const both = checked(await ask('what is pending in prod-web and staging'));
    expect(both.public).toBeUndefined();
    // The clarification comes first (help may add what an unmapped asker can do).
    expect(both.private?.text?.split('\n')[0]).toBe(
      'I could not place `prod-web staging` in that question, so I did not answer it for all hosts. Did you mean `pending prod-web` or `pending staging`? For every host: `pending`.',
    );
    expect(both.error?.code).toBe('not-understood');
    const two = checked(await ask('which servers are missing KB5034441 and KB5034439?'));
    expect(two.public).toBeUndefined();
    expect(two.private?.text?.split('\n')[0]).toBe('I answer for one patch at a time: `missing KB5034441`, then `missing KB5034439`.');
  });
});

describe('a large estate', () => {
  let big: OpenedStore;
  beforeAll(async () => {
    big = await freshPglite();
    const names = Array.from({ length: 40 }, (_, i) => `node-${String(i + 1).padStart(3, '0')}`);
    await big.store.hosts.sync(names.map((n) => host(n, 'fleet')));
    await big.store.groups.sync([{ name: 'fleet', production: false }]);
    const ids = Array.from({ length: 30 }, (_, i) => `KB50${String(34400 + i)}`);
    await big.store.patches.upsert(ids.map((id) => patch(id, 'important', `update ${id}`)));
    await scanAt(big.store, 'scan-big', ago(0.5), Object.fromEntries(names.map((n) => [n, { findings: ids.map((patchId) => ({ patchId, state: 'missing' as const })) }])));
  });
  afterAll(async () => big?.store.close());

  it('caps lists with "+N more" counted by the store; the CLI, which the hint points to, gets everything', async () => {
    const reply = checked(await dispatch(interaction('which servers are missing KB5034400?'), deps({ store: big.store })));
    expect(reply.public?.lists?.[0]?.items).toHaveLength(15);
    expect(reply.public?.lists?.[0]?.more).toBe('+25 more — next 15: `/patch missing KB5034400 page 2`');
    expect(reply.public?.context).toBe('from scans 30 min ago');
    expect((reply.data?.missing as unknown[]).length).toBe(15);
    expect(reply.data?.counts).toMatchObject({ missing: 40, installed: 0, notReported: 0 });
    const cli = checked(await dispatch(interaction('missing KB5034400', 'command', { surface: 'cli' }), deps({ store: big.store })));
    expect((cli.data?.missing as { host: string }[]).map((m) => m.host)).toEqual(Array.from({ length: 40 }, (_, i) => `node-${String(i + 1).padStart(3, '0')}`));
    const pending = checked(await dispatch(interaction('pending fleet', 'command'), deps({ store: big.store })));
    expect(pending.public?.title).toBe('30 patches pending on 40 hosts in fleet');
    expect(pending.public?.lists?.[0]).toMatchObject({ heading: 'Top patches', more: '+15 more — next 15: `/patch pending fleet page 2`' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Interaction } from '../../src/chat/interaction.ts';
import { askAs } from '../support/ask-as.ts';
import { loadConfig } from '../../src/config/load.ts';
import { scanAndAudit } from '../../src/discovery/discovery-jobs.ts';
import { platform } from '../support/platform.ts';
import type { StoreHandle } from '../../src/platform.ts';
import { type Runtime, startRuntime } from '../../src/service/runtime.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { writeConfig } from '../support/cli.ts';
import { type Fleet, type FleetHostSpec, startFleet } from '../support/fleet/index.ts';
import { type FakeJira, startFakeJira } from '../support/fake-jira.ts';
import { type FakeServiceNow, startFakeServiceNow } from '../support/fake-servicenow.ts';
import { TEST_SERVER_TOKEN } from '../support/server-token.ts';
import { sshdSkipReason } from '../support/sshd.ts';
import { firstLines, settledOutbox, stampsOf } from '../tickets/ticket-harness.ts';
import { adfPlainText } from '../../adapters/jira/adf.ts';
import { until } from '../support/until.ts';
import { consoleHistoryOf } from '../support/console-history.ts';

/**
 * Issue #5's end-to-end loop on real SSH: Debian hosts behind a loopback sshd (the fleet
 * simulator), the shipped scan/apply/rollback playbooks executed for real (dry run off), the job
 * queue and workers, the console as chat. A change to production goes through a CAB quorum, its
 * window, the pilot and the production wave; the rescan shows the hosts patched. A second change
 * whose pilot breaks a service halts, and the halt card's Roll back restores the recorded versions.
 * It runs once with ServiceNow and once with Jira (loopback fakes): each ticket tells the story.
 */
const OLD = '3.0.11-1~deb12u2';
const NEW = '3.0.13-1~deb12u1';
const NGINX_OLD = '1.22.1-9';
const NGINX_NEW = '1.22.1-9+deb12u1';

const sslHost = (name: string): FleetHostSpec => ({
  name,
  installed: { openssl: OLD, 'libssl3:amd64': OLD, bash: '5.2.15-2+b2' },
  candidates: { openssl: { version: NEW, suite: 'bookworm-security', requires: ['libssl3:amd64'] }, 'libssl3:amd64': { version: NEW, suite: 'bookworm-security' } },
});
const nginxHost = (name: string, breaks: boolean): FleetHostSpec => ({
  name,
  installed: { nginx: NGINX_OLD, 'nginx-common': NGINX_OLD, bash: '5.2.15-2+b2' },
  candidates: { nginx: { version: NGINX_NEW, suite: 'bookworm-security', requires: ['nginx-common'] }, 'nginx-common': { version: NGINX_NEW, suite: 'bookworm-security' } },
  ...(breaks ? { breaksOnUpgrade: { nginx: 'nginx.service' } } : {}),
});

const GROUPS: Record<string, string[]> = {
  'canary-01': ['canary'],
  'web-01': ['prod-web'],
  'web-02': ['prod-web'],
  'web-03': ['prod-web'],
  'edge-canary': ['edge-canary'],
  'edge-01': ['prod-edge'],
  'edge-02': ['prod-edge'],
};

interface Ticket {
  state: string;
  notes: string[];
  fields: Record<string, unknown>;
}
interface Itsm {
  name: 'servicenow' | 'jira';
  start(): Promise<{ yaml: string; stop(): Promise<void>; ticket(key: string): Ticket }>;
  closed: string;
  backedOut: string;
}
const itsms: Itsm[] = [
  {
    name: 'servicenow',
    closed: '3',
    backedOut: '3',
    async start() {
      const sn: FakeServiceNow = await startFakeServiceNow();
      const c = sn.config();
      return {
        yaml: `itsm: { kind: servicenow, servicenow: { instanceUrl: "${c.instanceUrl}", username: ${c.username}, password: ${c.password} } }`,
        stop: () => sn.stop(),
        ticket: (key) => ({ state: sn.change(key).state, notes: sn.workNotes(key), fields: sn.change(key).fields }),
      };
    },
  },
  {
    name: 'jira',
    closed: 'Completed',
    backedOut: 'Failed',
    async start() {
      const jira: FakeJira = await startFakeJira();
      const c = jira.config();
      return {
        yaml: `itsm: { kind: jira, jira: { baseUrl: "${c.baseUrl}", email: ${c.email}, apiToken: ${c.apiToken}, projectKey: ${c.projectKey}, issueType: Change } }`,
        stop: () => jira.stop(),
        ticket: (key) => ({ state: jira.issue(key).status, notes: jira.comments(key).map(adfPlainText), fields: jira.issue(key).fields }),
      };
    },
  },
];

const skip = sshdSkipReason();
let fleet: Fleet;
let handle: StoreHandle;
let runtime: Runtime;
let itsmFake: Awaited<ReturnType<Itsm['start']>>;

/** What `name` does in the approvals channel: a command (`text`) or a click (`kind: 'action'`). */
const act = (name: string, over: Partial<Interaction>) => askAs(runtime, name, over.text ?? '', { channel: 'approvals', ...over });

const stateOf = async (id: string) => (await runtime.store.changes.get(id))?.state;
const thread = async (id: string) => {
  const messages = await consoleHistoryOf(runtime).recent('approvals', null, 500);
  const root = messages.find((m) => !m.threadOf && m.card?.threadKey === `change:${id}`);
  return { root, replies: messages.filter((m) => root && m.threadOf === root.id) };
};
const installs = (host: string) => fleet.toolCalls(host).filter((c) => c.tool === 'apt-get' && c.args.includes('install') && !c.args.includes('-s'));

const startEstate = async (itsm: Itsm) => {
  fleet = await startFleet({
    hosts: [sslHost('canary-01'), sslHost('web-01'), sslHost('web-02'), sslHost('web-03'), nginxHost('edge-canary', true), nginxHost('edge-01', false), nginxHost('edge-02', false)],
  });
  itsmFake = await itsm.start();
  const inventory = writeConfig(fleet.inventoryYaml(GROUPS, { productionGroups: ['prod-web', 'prod-edge'], execution: { dryRun: false, concurrency: 4 } }), 'inventory.yaml');
  const main = writeConfig(
    [
      `server: { token: ${TEST_SERVER_TOKEN} }`,
      'store: { url: "pglite://memory" }',
      'schedules: { discovery: null }',
      // A window open all the time: the test is about waves, not waiting; windows have their own tests.
      'windows: { always: { cron: "* * * * *", duration: 1h } }',
      'rollout:',
      '  defaults: { concurrency: 2, soak: 0s, failureBudget: 0 }',
      '  pilot: { soak: 0s }',
      itsmFake.yaml,
    ].join('\n'),
  );
  const config = (await loadConfig({ files: [main, inventory], env: {}, cwd: process.cwd() })).config;
  handle = await platform.openStore(config.store.url, { migrate: true });
  const ticketSync = { pumpMs: 100, baseDelayMs: 100, maxDelayMs: 1_000, leaseMs: 30_000 };
  runtime = await startRuntime({ config, platform, log: createLogger({ level: 'silent' }), handle, workers: true, ticketSync });
  const { scanId } = await scanAndAudit(runtime.scan, { hosts: Object.keys(GROUPS), requestedBy: 'test' });
  await until('the first scan', async () => (await runtime.store.scans.progress(scanId))?.finishedAt);
};

const stopEstate = async () => {
  await runtime?.stop();
  await handle?.close();
  await fleet?.stop();
  await itsmFake?.stop();
};

const ticketOf = async (id: string): Promise<Ticket> => {
  await settledOutbox(runtime, id);
  const [link] = await runtime.store.tickets.forChange(id);
  return itsmFake.ticket(link!.key);
};

describe.skipIf(skip !== null).each(itsms)('a rollout on real SSH hosts, tickets in $name', (itsm) => {
  beforeAll(() => startEstate(itsm), 180_000);
  afterAll(stopEstate);

  it('goes CAB quorum → window → pilot → production wave → rescan shows every host patched → completed', async () => {
    const proposed = await act('alice', { text: `propose deb:openssl@${NEW} to canary prod-web at always` });
    expect(proposed.error).toBeUndefined();
    const id = String(proposed.data?.change);
    const { root } = await thread(id);
    for (const name of ['bob', 'carol', 'dave']) {
      const vote = await act(name, { kind: 'action', action: { id: 'change.approve', value: id }, message: { surface: 'console', channel: 'approvals', id: root!.id } });
      expect(vote.error).toBeUndefined();
    }
    await until(`${id} to complete`, async () => (await stateOf(id)) === 'completed');

    for (const host of ['canary-01', 'web-01', 'web-02', 'web-03']) {
      expect(fleet.installed(host)).toMatchObject({ openssl: NEW, 'libssl3:amd64': NEW });
      expect(installs(host)).toHaveLength(1);
      // The rescan, not the exit code, said so.
      const finding = (await runtime.store.findings.byHost(host)).find((f) => f.patchId === `deb:openssl@${NEW}`);
      expect(finding?.state).toBe('installed');
    }
    const runs = await runtime.store.rollouts.runs(id);
    expect(runs.map((r) => [r.host, r.wave, r.state])).toEqual([
      ['canary-01', 0, 'verified'],
      ['web-01', 1, 'verified'],
      ['web-02', 1, 'verified'],
      ['web-03', 1, 'verified'],
    ]);
    // The canary ran before any production host started.
    const canaryDone = installs('canary-01')[0]!.at;
    expect(Math.min(...['web-01', 'web-02', 'web-03'].map((h) => installs(h)[0]!.at))).toBeGreaterThan(canaryDone);
    // The card and thread follow the committed transition: wait for them, then read.
    const { root: card, replies } = await until('the completed card and message', async () => {
      const shown = await thread(id);
      const done = shown.root?.card?.fields?.some((f) => f.label === 'State' && f.value === 'completed') && shown.replies.some((m) => m.card?.title === `${id}: completed`);
      return done ? shown : null;
    });
    expect(card?.card?.fields).toEqual(expect.arrayContaining([{ label: 'State', value: 'completed' }]));
    expect(replies.map((m) => m.card?.title)).toEqual(expect.arrayContaining([`${id} approved`, `${id}: wave 1 of 2 started`, `${id}: wave 2 of 2 done`, `${id}: completed`]));

    // The ticket: created at proposal, approved by the CAB, a note per wave, closed successful, each note once.
    const ticket = await ticketOf(id);
    expect(ticket.state).toBe(itsm.closed);
    expect(firstLines(ticket.notes)).toEqual([
      'Approved in patchbot by bob, carol, dave.',
      expect.stringMatching(/^Implementation started/),
      'Wave 1 of 2 done: 1 ok, 0 failed, 0 skipped (1 host).',
      'Wave 2 of 2 done: 3 ok, 0 failed, 0 skipped (3 hosts).',
      'Completed successfully: 4 of 4 hosts patched.',
    ]);
    expect(new Set(stampsOf(ticket.notes)).size).toBe(ticket.notes.length);
  });

  it("halts when the pilot's smoke check fails, and Roll back restores the recorded versions", async () => {
    const proposed = await act('alice', { text: `propose deb:nginx@${NGINX_NEW} to edge-canary prod-edge at always` });
    const id = String(proposed.data?.change);
    for (const name of ['bob', 'carol', 'dave']) await act(name, { text: `approve ${id}` });
    await until(`${id} to halt`, async () => (await stateOf(id)) === 'halted');

    // Production never started: the pilot broke nginx.service and the smoke check caught it.
    expect(installs('edge-01')).toHaveLength(0);
    expect(installs('edge-02')).toHaveLength(0);
    expect(fleet.installed('edge-canary').nginx).toBe(NGINX_NEW);
    expect(fleet.failedUnits('edge-canary')).toContain('nginx.service');
    const halt = await until('the halt card', async () => (await thread(id)).replies.find((m) => m.card?.title === `${id} halted`));
    expect(halt?.card?.text).toMatch(/Smoke check failed on edge-canary/);
    expect(halt?.card?.actions?.map((a) => a.id)).toEqual(['change.resume', 'change.rollback', 'change.abort']);

    // A viewer may not press it; the requester may.
    const refused = await act('erin', { kind: 'action', action: { id: 'change.rollback', value: id }, message: { surface: 'console', channel: 'approvals', id: halt.id } });
    expect(refused.error?.code).toBe('not-allowed');
    const rolled = await act('alice', { kind: 'action', action: { id: 'change.rollback', value: id }, message: { surface: 'console', channel: 'approvals', id: halt.id } });
    expect(rolled.error).toBeUndefined();
    const rollbackId = String(rolled.data?.rollback);
    await until(`${rollbackId} to complete`, async () => (await stateOf(rollbackId)) === 'completed');

    expect(await stateOf(id)).toBe('rolled-back');
    expect(fleet.installed('edge-canary')).toMatchObject({ nginx: NGINX_OLD, 'nginx-common': NGINX_OLD });
    expect(fleet.failedUnits('edge-canary')).not.toContain('nginx.service');
    expect(await runtime.store.changes.get(rollbackId)).toMatchObject({ parentId: id, state: 'completed' });
    expect((await runtime.store.rollouts.runs(rollbackId)).map((r) => r.host)).toEqual(['edge-canary']);
    // Rescanned: the patch is missing again on the host it was rolled back on.
    const finding = (await runtime.store.findings.byHost('edge-canary')).find((f) => f.patchId === `deb:nginx@${NGINX_NEW}`);
    expect(finding?.state).toBe('missing');
    const audit: string[] = [];
    for await (const event of runtime.store.audit.read()) if (event.subject === id || event.subject === rollbackId) audit.push(`${event.subject}:${event.action}`);
    expect(audit).toEqual(expect.arrayContaining([`${id}:change.halted`, `${id}:change.rollback-requested`, `${rollbackId}:change.completed`, `${id}:change.rolled-back`]));

    // The ticket was told of the halt and ends backed out.
    const ticket = await ticketOf(id);
    expect(ticket.state).toBe(itsm.backedOut);
    expect(firstLines(ticket.notes)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Halted: Smoke check failed on edge-canary/), expect.stringMatching(/^Rolled back \(backed out\)/)]),
    );
    if (itsm.name === 'servicenow') expect(ticket.fields).toMatchObject({ close_code: 'unsuccessful', close_notes: expect.stringMatching(/^Backed out: /) });
  });

  it('fails a host whose repositories no longer offer the approved version, and says so in the thread, installing nothing', async () => {
    // The mirror moved on after approval: the approved nginx was superseded by a newer build.
    const NGINX_NEWER = '1.22.1-9+deb12u2';
    fleet.setCandidate('edge-canary', 'nginx', { version: NGINX_NEWER, suite: 'bookworm-security', requires: ['nginx-common'] });
    const before = installs('edge-canary').length;
    const proposed = await act('alice', { text: `propose deb:nginx@${NGINX_NEW} to edge-canary prod-edge at always` });
    const id = String(proposed.data?.change);
    for (const name of ['bob', 'carol', 'dave']) await act(name, { text: `approve ${id}` });
    await until(`${id} to halt`, async () => (await stateOf(id)) === 'halted');

    const [run] = await runtime.store.rollouts.runs(id);
    expect(run).toMatchObject({
      host: 'edge-canary',
      state: 'failed',
      error: expect.stringContaining(`approved nginx=${NGINX_NEW}, the host's repositories now offer nginx=${NGINX_NEWER}`),
    });
    const halt = await until('the halt card', async () => (await thread(id)).replies.find((m) => m.card?.title === `${id} halted`));
    expect(JSON.stringify(halt?.card)).toContain(`approved nginx=${NGINX_NEW}, the host's repositories now offer nginx=${NGINX_NEWER}`);
    expect(installs('edge-canary')).toHaveLength(before);
    expect(fleet.installed('edge-canary').nginx).toBe(NGINX_OLD);
  });
});

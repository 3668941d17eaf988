import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import { issueAccessTokens } from '../support/access-tokens.ts';
import { type Fleet, type FleetHostSpec, startFleet } from '../support/fleet/index.ts';
import { takeLock } from '../support/fleet/tools/host-state.ts';
import { platform } from '../support/platform.ts';
import { type Cluster, postgresAvailable, startCluster } from '../support/postgres-cluster.ts';
import { type ServiceProcess, startPatchbot } from '../support/process.ts';
import { TEST_SERVER_TOKEN } from '../support/server-token.ts';
import { sshdSkipReason } from '../support/sshd.ts';
import { until } from '../support/until.ts';

/**
 * The database stopped for 30 s while a rollout wave is running on real SSH hosts (the fleet
 * simulator behind a loopback sshd, the shipped playbooks run for real) and a scan is in flight,
 * under a real `patchbot start` on a real PostgreSQL server. A host's apt-get is held on the dpkg
 * lock so its run is mid-flight when the database stops, and finishes while it is away; a scan
 * waits on a host that never answers its SSH handshake, so its last host ends during the outage.
 * After the database returns, the wave completes by itself, no host ran the change twice, and
 * every host state, scan result and audit event is there once.
 */
const OUTAGE_MS = 30_000;
const OLD = '3.0.11-1~deb12u2';
const NEW = '3.0.13-1~deb12u1';
const PATCH = `deb:openssl@${NEW}`;
const WEB = ['w-01', 'w-02', 'w-03'];

const skip = postgresAvailable() ?? sshdSkipReason();
if (skip) console.warn(`rollout outage test skipped: ${skip}`);

const sslHost = (name: string): FleetHostSpec => ({
  name,
  installed: { openssl: OLD, 'libssl3:amd64': OLD, bash: '5.2.15-2+b2' },
  candidates: { openssl: { version: NEW, suite: 'bookworm-security', requires: ['libssl3:amd64'] }, 'libssl3:amd64': { version: NEW, suite: 'bookworm-security' } },
});

let cluster: Cluster;
let fleet: Fleet;
let service: ServiceProcess;
let dir: string;
let blackhole: Server;
const held: Socket[] = [];
/** Each person's personal access token: real execution runs outside demo mode, where nobody is `as=` anyone. */
let tokens: Record<string, Record<string, string>> = {};

const api = async (person: string, path: string, body: unknown) => {
  const headers = { 'content-type': 'application/json', ...tokens[person] };
  const response = await fetch(`${service.url}/api/console${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
};
/** A short-lived connection per read: the test's own pool must not sit on sockets the outage kills. */
const read = async <T>(work: (store: PatchbotStore) => Promise<T>): Promise<T> => {
  const handle = await platform.openStore(cluster.url, { migrate: false });
  try {
    return await work(handle.store);
  } finally {
    await handle.close();
  }
};
const installs = (host: string) => fleet.toolCalls(host).filter((c) => c.tool === 'apt-get' && c.args.includes('install') && !c.args.includes('-s'));
const scanDone = (scanId: string) => until(`scan ${scanId} to finish`, () => read(async (store) => (await store.scans.progress(scanId))?.finishedAt), 120_000, 250);

describe.skipIf(skip !== null)('the database goes away during a rollout wave and a scan', () => {
  beforeAll(async () => {
    cluster = await startCluster();
    fleet = await startFleet({ hosts: [...WEB, 's-01'].map(sslHost) });
    // A host that accepts the TCP connection and never says a word: its scan waits out the SSH handshake timeout.
    blackhole = createServer((socket) => void held.push(socket));
    const port = await new Promise<number>((resolve) => blackhole.listen(0, '127.0.0.1', () => resolve((blackhole.address() as { port: number }).port)));
    dir = mkdtempSync(join(tmpdir(), 'patchbot-rollout-outage-'));
    const groups = { 'w-01': ['web'], 'w-02': ['web'], 'w-03': ['web'], 's-01': ['scanned'] };
    // A 1 min host-run lease (2 min by default): a run the outage cut short is taken over after a lease and a half,
    // so the default only adds waiting. A run is stopped for want of renewals no sooner than 1/6 of a lease (10 s)
    // into the outage, well after w-03's held install has gone through (a second or two).
    // A sweep every 5 s (30 s by default): the takeover below comes at the first sweep after the lease is stale.
    const inventory = parse(fleet.inventoryYaml(groups, { execution: { dryRun: false, concurrency: 4, hostRunLease: '1m', rolloutSweep: '5s' } })) as {
      inventory: { hosts: Record<string, unknown>[]; groups: { name: string; members: string[] }[] };
      execution: { ssh: Record<string, unknown> };
    };
    inventory.execution.ssh.connectTimeout = '15s';
    inventory.inventory.hosts.push({ name: 'slow-01', address: '127.0.0.1', port, user: fleet.user, os: 'debian', tags: {}, groups: ['scanned'] });
    inventory.inventory.groups.find((g) => g.name === 'scanned')!.members.push('slow-01');
    writeFileSync(join(dir, 'inventory.yaml'), stringify(inventory));
    writeFileSync(
      join(dir, 'patchbot.yaml'),
      [
        `server: { host: 127.0.0.1, port: 0, token: ${TEST_SERVER_TOKEN} }`,
        `store: { url: '${cluster.url}' }`,
        'schedules: { discovery: null }',
        'log: { level: warn }',
        // A window open all the time: the test is about the outage, not waiting for a window.
        'windows: { always: { cron: "* * * * *", duration: 1h } }',
        'rollout:',
        '  defaults: { concurrency: 2, soak: 0s, failureBudget: 0 }',
        '  pilot: { soak: 0s }',
      ].join('\n'),
    );
    service = await startPatchbot(['--config', join(dir, 'patchbot.yaml'), '--config', join(dir, 'inventory.yaml')]);
    tokens = await issueAccessTokens(cluster.url, ['alice', 'dave']);
  }, 180_000);

  afterAll(async () => {
    if (service?.child.exitCode === null) await service.stop('SIGKILL');
    for (const socket of held) socket.destroy();
    blackhole?.close();
    await fleet?.stop();
    cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the wave and the scan finish by themselves after the database returns; nothing ran twice, nothing is lost', async () => {
    const first = await api('alice', '/messages', { channel: 'announce', text: 'scan web' });
    expect(first.body, JSON.stringify(first.body)).toMatchObject({ ok: true, intent: 'scan' });
    await scanDone(first.body.data.scan as string);

    // w-03's dpkg lock is taken (as unattended-upgrades would): its apt-get waits (DPkg::Lock::Timeout) until the test lets go.
    const lock = takeLock(join(fleet.dir, 'hosts', 'w-03'), 0);
    if (!('release' in lock)) throw new Error(`w-03's dpkg lock is held by ${lock.heldBy}`);
    const proposed = await api('alice', '/messages', { channel: 'approvals', text: `propose ${PATCH} to web at always` });
    expect(proposed.body, JSON.stringify(proposed.body)).toMatchObject({ ok: true, intent: 'propose' });
    const id = proposed.body.data.change as string;
    const approved = await api('dave', '/messages', { channel: 'approvals', text: `approve ${id}` });
    expect(approved.body, JSON.stringify(approved.body)).toMatchObject({ ok: true });
    // The wave is under way: the pilot and w-02 have applied it, w-03 is inside its apt-get install.
    await until('w-03 to be inside apt-get install', async () => fleet.commands('w-03').some((c) => c.command.includes('apt-get install')) || null, 120_000, 250);
    await until(
      'w-02 to be done',
      () => read(async (store) => (await store.rollouts.runs(id)).find((r) => r.host === 'w-02' && (r.state === 'applied' || r.state === 'verified'))),
      120_000,
      250,
    );
    const scan = await api('alice', '/messages', { channel: 'announce', text: 'scan scanned' });
    expect(scan.body, JSON.stringify(scan.body)).toMatchObject({ ok: true, intent: 'scan' });
    const scanId = scan.body.data.scan as string;

    cluster.pause();
    const outageStarted = Date.now();
    await until('/readyz to say the store is away', async () => (await fetch(`${service.url}/readyz`)).status === 503);
    // w-03's install goes through while the database is away: its run ends with nobody able to record it yet.
    lock.release();
    await until('w-03 to be patched', async () => fleet.installed('w-03').openssl === NEW || null, 60_000, 250);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - outageStarted))));
    expect(service.child.exitCode).toBeNull();
    cluster.resume();
    await until('/readyz to be ready again', async () => (await fetch(`${service.url}/readyz`)).status === 200, 30_000);

    // The scan in flight finishes, each host recorded once; the host that never answered is unreachable.
    await scanDone(scanId);
    const results = await read((store) => store.scans.results(scanId));
    expect(results.map((r) => [r.host, r.outcome]).sort()).toEqual([
      ['s-01', 'ok'],
      ['slow-01', 'unreachable'],
    ]);

    // The wave resumes and completes by itself. A host run the outage cut short is taken over (and
    // rechecked) only once its 1 min lease is stale, 1.5 leases after its last renewal, so that a
    // worker that lost its lease has surely stopped first: up to 1.5 min after the outage began,
    // and the next rollout sweep (every 5 s here, execution.rolloutSweep) after that.
    await until(`${id} to complete`, () => read(async (store) => (await store.changes.get(id))?.state === 'completed'), 240_000, 500);
    for (const host of WEB) {
      expect(fleet.installed(host)).toMatchObject({ openssl: NEW, 'libssl3:amd64': NEW });
      // One apt-get install per host: no host run executed twice.
      expect(installs(host), host).toHaveLength(1);
    }
    const runs = await read((store) => store.rollouts.runs(id));
    expect(runs.map((r) => [r.host, r.state])).toEqual([
      ['w-01', 'verified'],
      ['w-02', 'verified'],
      ['w-03', 'verified'],
    ]);
    // The audit log has each host's run and the change's end once, and its chain holds.
    const actions: string[] = [];
    await read(async (store) => {
      for await (const event of store.audit.read()) if (event.subject === id) actions.push(`${event.action}${typeof event.data.host === 'string' ? `:${event.data.host}` : ''}`);
    });
    for (const host of WEB) expect(actions.filter((a) => a.endsWith(`:${host}`) && a.startsWith('host.'))).toEqual([`host.applied:${host}`]);
    expect(actions.filter((a) => a === 'change.completed')).toHaveLength(1);
    expect(service.child.exitCode).toBeNull();
    expect(service.output()).not.toMatch(/unhandled|uncaught/i);
  }, 540_000);
});

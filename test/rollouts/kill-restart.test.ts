import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/postgres/open-store.ts';
import type { StorageEngine } from '../../src/patchbot-store.ts';
import { issueAccessTokens } from '../support/access-tokens.ts';
import { writeConfig } from '../support/cli.ts';
import { availableEngines, freshPostgresUrl } from '../support/engines.ts';
import { type Fleet, startFleet } from '../support/fleet/index.ts';
import { runPatchbot, type ServiceProcess, startPatchbot } from '../support/process.ts';
import { TEST_SERVER_TOKEN } from '../support/server-token.ts';
import { sshdSkipReason } from '../support/sshd.ts';
import { until } from '../support/until.ts';

/**
 * Durability (issue #5): the service is killed with SIGKILL in the middle of a wave and started
 * again on the same PostgreSQL. Completed hosts are not run again; the ones in flight are
 * rescanned before anything is re-run (they were patched, so they are not patched twice); the
 * change carries on to completion.
 */
const OLD = '3.0.11-1~deb12u2';
const NEW = '3.0.13-1~deb12u1';
const HOSTS = ['canary-01', 'web-01', 'web-02', 'web-03'];

const skip = sshdSkipReason() ?? (availableEngines().includes('postgres') ? null : 'no PostgreSQL server for this test');
let fleet: Fleet | undefined;
let store: StorageEngine | undefined;
const services: ServiceProcess[] = [];
afterAll(async () => {
  for (const service of services) if (service.child.exitCode === null) await service.stop('SIGKILL');
  await store?.close();
  await fleet?.stop();
});

/** The shipped playbooks plus a smoke check that takes a few seconds: time to be killed in. */
const playbooksWithSlowSmoke = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'patchbot-playbooks-'));
  for (const file of readdirSync('playbooks')) copyFileSync(join('playbooks', file), join(dir, file));
  writeFileSync(
    join(dir, 'smoke-settle.yaml'),
    ['name: smoke-settle', 'description: wait for services to settle after the upgrade', 'os: [debian]', 'steps:', '  - name: settle', '    run: sleep 4', ''].join('\n'),
  );
  return dir;
};

describe.skipIf(skip !== null)('a service killed mid-wave', () => {
  it('continues after a restart without running a finished or in-flight host twice', async () => {
    fleet = await startFleet({
      hosts: HOSTS.map((name) => ({
        name,
        installed: { openssl: OLD, 'libssl3:amd64': OLD },
        candidates: { openssl: { version: NEW, suite: 'bookworm-security', requires: ['libssl3:amd64'] }, 'libssl3:amd64': { version: NEW, suite: 'bookworm-security' } },
      })),
    });
    const url = await freshPostgresUrl();
    // A sweep every 5 s (30 s by default): when the restarted service's startup sweep comes before
    // the dead worker's 2 s leases are stale, the runs are taken over at the next sweep.
    const inventory = writeConfig(
      fleet.inventoryYaml(
        { 'canary-01': ['canary'], 'web-01': ['prod-web'], 'web-02': ['prod-web'], 'web-03': ['prod-web'] },
        { execution: { dryRun: false, hostRunLease: '2s', rolloutSweep: '5s' } },
      ),
      'inventory.yaml',
    );
    const main = writeConfig(
      [
        // Real execution runs outside demo mode: the console acts only as an access token's owner.
        `server: { port: 0, token: ${TEST_SERVER_TOKEN} }`,
        `store: { url: "${url}" }`,
        'log: { level: warn }',
        'schedules: { discovery: null }',
        `playbooks: { dir: ${playbooksWithSlowSmoke()} }`,
        'windows: { always: { cron: "* * * * *", duration: 1h } }',
        'rollout:',
        '  defaults: { concurrency: 3, soak: 0s, smoke: [smoke-settle] }',
        '  pilot: { soak: 0s }',
      ].join('\n'),
    );
    const config = ['--config', main, '--config', inventory];
    const first = await startPatchbot(config);
    services.push(first);
    store = (await openStore(url, { migrate: false })).store;
    const db = store;
    // The startup scan of the never-scanned fleet.
    await until('the startup scan', async () => (await db.scans.latestPerHost()).filter((s) => s.outcome === 'ok').length === HOSTS.length);

    const proposed = await runPatchbot(['change', 'propose', `deb:openssl@${NEW}`, 'to', 'canary', 'prod-web', 'at', 'always', '--as', 'alice', '--json', ...config]);
    const id = JSON.parse(proposed.stdout).data.change as string;
    // Approved in the console, whose service kicks the rollout at once (a CLI process on its own
    // leaves it to the service's sweep: see two-replicas.test.ts), by dave with his own access token.
    const { dave } = await issueAccessTokens(url, ['dave']);
    const approved = await fetch(`${first.url}/api/console/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...dave },
      body: JSON.stringify({ channel: 'dm:dave', text: `approve ${id}` }),
    });
    expect(await approved.json()).toMatchObject({ ok: true, data: { decided: 'approved' } });

    // Killed while the production wave's hosts are in their smoke check: patched, not yet recorded.
    await until('production hosts in flight', async () => (await db.rollouts.runs(id)).filter((r) => r.wave === 1 && r.state === 'running').length >= 2);
    await first.stop('SIGKILL');
    const killedAt = Date.now();
    const atKill = await db.rollouts.runs(id);
    const inFlight = atKill.filter((r) => r.state === 'running').map((r) => r.host);
    expect(atKill.find((r) => r.host === 'canary-01')?.state).toBe('verified');
    expect(inFlight.length).toBeGreaterThanOrEqual(2);

    const second = await startPatchbot(config);
    services.push(second);
    await until(`${id} to complete`, async () => (await db.changes.get(id))?.state === 'completed');
    expect(await second.stop('SIGTERM')).toBe(0);

    const runs = await db.rollouts.runs(id);
    expect(runs.every((r) => r.state === 'verified')).toBe(true);
    for (const host of HOSTS) {
      // One upgrade per host, whatever the kill interrupted.
      expect(fleet.toolCalls(host).filter((c) => c.tool === 'apt-get' && c.args.includes('install') && !c.args.includes('-s'))).toHaveLength(1);
      expect(fleet.installed(host).openssl).toBe(NEW);
    }
    for (const host of inFlight) {
      // Taken over after the lease ran out, and rescanned first: a host the dead worker had already
      // upgraded is left alone (its smoke check re-run), one it had not reached is upgraded now.
      const run = runs.find((r) => r.host === host)!;
      expect(run.attempt).toBe(2);
      expect((await db.scans.results(`recheck-${id}-${host}-2`)).map((r) => r.outcome)).toEqual(['ok']);
      const upgradedBeforeKill = fleet.toolCalls(host).some((c) => c.tool === 'apt-get' && c.args.includes('install') && !c.args.includes('-s') && c.at < killedAt);
      expect(JSON.stringify(run.result).includes('already patched, not run again')).toBe(upgradedBeforeKill);
    }
    expect(runs.find((r) => r.host === 'canary-01')?.attempt).toBe(1);
  }, 300_000);
});

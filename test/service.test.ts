import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../adapters/postgres/open-store.ts';
import { writeConfig } from './support/cli.ts';
import { availableEngines, freshPostgresUrl } from './support/engines.ts';
import { runPatchbot, type ServiceProcess, startPatchbot } from './support/process.ts';
import { until } from './support/until.ts';

const running: ServiceProcess[] = [];
afterEach(async () => {
  while (running.length) {
    const service = running.pop()!;
    if (service.child.exitCode === null) await service.stop('SIGKILL');
  }
});

const embeddedConfig = () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchbot-svc-'));
  return { dir, file: writeConfig(`server:\n  port: 0\nstore:\n  url: pglite://${dir}/data\nschedules:\n  discovery: null\nlog:\n  level: warn\n`) };
};

describe('the service process', () => {
  it('starts on the embedded store, answers probes, serves CLI commands while it holds the store, and drains on SIGTERM', async () => {
    const { dir, file } = embeddedConfig();
    const service = await startPatchbot(['--config', file]);
    running.push(service);

    const health = await fetch(`${service.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.stringify(await ready.json())).toMatch(/pglite, schema version \d+/);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/patchbot_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
    expect(existsSync(join(dir, 'data', 'patchbot.lock.json'))).toBe(true);

    // PGlite is single-process: these run inside the service through its local API.
    const verify = await runPatchbot(['audit', 'verify', '--config', file]);
    expect(verify).toMatchObject({ code: 0 });
    expect(verify.stdout).toMatch(/Audit chain intact/);
    const migrate = await runPatchbot(['db', 'migrate', '--config', file]);
    expect(migrate.stdout).toMatch(/Nothing to do/);

    // A second service on the same embedded store is refused, naming the holder.
    const second = await runPatchbot(['start', '--config', file]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/in use by "patchbot start" \(pid \d+\)/);

    // A scan asked of the CLI runs in the service, on its workers, against this machine.
    const scan = await runPatchbot(['scan', '--json', '--config', file]);
    expect(JSON.parse(scan.stdout)).toMatchObject({ targets: ['localhost'], ok: 1 });

    const forged = await fetch(`${service.url}/api/cli`, { method: 'POST', headers: { authorization: 'Bearer nope' }, body: '{"argv":["db","migrate"]}' });
    expect(forged.status).toBe(401);

    expect(await service.stop('SIGTERM')).toBe(0);
    expect(existsSync(join(dir, 'data', 'patchbot.lock.json'))).toBe(false);
    // With the service gone, the CLI opens the store itself.
    expect((await runPatchbot(['audit', 'verify', '--config', file])).code).toBe(0);
    // A fresh estate was scanned at start, unasked.
    const { store } = await openStore(`pglite://${dir}/data`, { migrate: false });
    const started: string[] = [];
    for await (const event of store.audit.read()) if (event.action === 'scan.started') started.push(event.actor);
    await store.close();
    expect(started).toContain('patchbot:startup');
  });

  it('refuses to start on a malformed config, listing every problem', async () => {
    const file = writeConfig('server:\n  port: 99999\n  hots: 1\nchat:\n  slack:\n    enabled: true\n');
    const result = await runPatchbot(['start', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('server.port');
    expect(result.stderr).toContain('chat.slack.signingSecret: required when chat.slack.enabled is true');
    expect(result.stderr).toMatch(/server\.hots/);
  });
});

describe.runIf(availableEngines().includes('postgres'))('two replicas on one PostgreSQL', () => {
  it('run each schedule firing once', async () => {
    const url = await freshPostgresUrl();
    // One host that fails fast (no SSH key configured): the test is about firings, not scanning.
    const file = writeConfig(
      `server:\n  port: 0\nstore:\n  url: ${url}\nschedules:\n  discovery: '* * * * * *'\nlog:\n  level: warn\n` +
        `inventory:\n  hosts:\n    - { name: ghost, address: 127.0.0.1, port: 9, os: debian }\n  groups: []\n`,
    );
    const replicas = await Promise.all([startPatchbot(['--config', file]), startPatchbot(['--config', file])]);
    running.push(...replicas);
    // PostgreSQL: this process may read the store the replicas share while they run.
    const { store } = await openStore(url, { migrate: false });
    const scheduledScans = async () => {
      const firings: string[] = [];
      for await (const event of store.audit.read()) if (event.action === 'scan.started' && event.actor === 'schedule:discovery') firings.push(event.subject);
      return firings;
    };
    await until('three scheduled scans to start', async () => (await scheduledScans()).length >= 3);
    expect(await Promise.all(replicas.map((r) => r.stop('SIGTERM')))).toEqual([0, 0]);
    // Read after both stopped: every firing either replica took is in.
    const firings = await scheduledScans();
    await store.close();
    expect(firings.length).toBeGreaterThanOrEqual(3);
    expect(new Set(firings).size).toBe(firings.length);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../adapters/postgres/open-store.ts';
import { runPatchbot, type ServiceProcess, startPatchbot } from './support/process.ts';

/**
 * A CLI command next to a running service is forwarded to it and runs on the service's config.
 * These run the real `patchbot` binary against a real service process: a command whose config
 * (PATCHBOT_CONFIG, --config, overrides) means what the service's does runs; any other is refused
 * with the difference named, and nothing happens.
 */
const dir = mkdtempSync(join(tmpdir(), 'patchbot-fwd-'));
const base = (hosts: string) => `server: { port: 0 }\nstore: { url: "pglite://${dir}/data" }\nschedules: { discovery: null }\nlog: { level: warn }\ninventory:\n  hosts:\n${hosts}`;
const ALPHA = '    - { name: alpha, address: 127.0.0.1, os: debian, connection: local }\n';
const serviceFile = join(dir, 'service.yaml');
const otherFile = join(dir, 'other.yaml');
writeFileSync(serviceFile, base(ALPHA));
writeFileSync(otherFile, base(`${ALPHA}    - { name: beta, address: 127.0.0.1, os: debian, connection: local }\n`));

let service: ServiceProcess;
beforeAll(async () => {
  service = await startPatchbot(['--config', serviceFile]);
}, 90_000);
afterAll(async () => {
  if (service?.child.exitCode === null) await service.stop('SIGKILL');
});

describe('a command forwarded to the running service', () => {
  it("runs on the service when PATCHBOT_CONFIG names the service's config: scan covers that config's inventory", async () => {
    const scan = await runPatchbot(['scan', '--json'], { PATCHBOT_CONFIG: serviceFile });
    expect(scan.stderr).not.toContain('not run');
    expect(scan.code).toBe(0);
    expect(JSON.parse(scan.stdout)).toMatchObject({ targets: ['alpha'], ok: 1 });
    // Settings that only say where a process runs (log) and credentials the caller may hold are not compared.
    const verify = await runPatchbot(['audit', 'verify'], { PATCHBOT_CONFIG: serviceFile, PATCHBOT_LOG_LEVEL: 'error', SLACK_BOT_TOKEN: 'xoxb-caller-only' });
    expect(verify).toMatchObject({ code: 0, stderr: '' });
  }, 120_000);

  it('shows a token created on the service as the token itself, past both scrubbers, and it is stored', async () => {
    const created = await runPatchbot(['token', 'create', '--as', 'alice'], { PATCHBOT_CONFIG: serviceFile });
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^pat_[A-Za-z0-9_-]{40,}\n$/);
    const id = /Token (tok-[0-9a-f]+) acts as alice/.exec(created.stderr)?.[1];
    expect((await runPatchbot(['token', 'list'], { PATCHBOT_CONFIG: serviceFile })).stdout).toContain(`${id}  alice`);
  }, 120_000);

  it('is refused, naming the difference and both configs, when the caller named another config; nothing runs', async () => {
    const scan = await runPatchbot(['scan', '--json'], { PATCHBOT_CONFIG: otherFile });
    expect(scan.code).toBe(1);
    expect(scan.stdout).toBe('');
    expect(scan.stderr).toContain('not run. The patchbot service (pid');
    expect(scan.stderr).toContain('differs from it in: inventory.');
    expect(scan.stderr).toContain(`the service:  config/default.yaml + ${serviceFile}`);
    expect(scan.stderr).toContain(`this command: config/default.yaml + ${otherFile}`);
    expect(scan.stderr).toContain(`Run it with the service's configuration (--config ${serviceFile}), or stop the service`);

    // The same file with an override the service does not have: refused too, and the variable is named.
    const override = await runPatchbot(['report', 'compliance', '--fail-on', 'overdue'], { PATCHBOT_CONFIG: serviceFile, PATCHBOT__execution__concurrency: '3' });
    expect(override.code).toBe(1);
    expect(override.stderr).toContain('differs from it in: execution.');
    expect(override.stderr).toContain(`this command: config/default.yaml + ${serviceFile} + $PATCHBOT__execution__concurrency`);
    expect(override.stderr).toContain('The same files: they changed since the service started, or the environment differs.');
  }, 60_000);

  it("is refused when the service's own file changed since it started: it still runs on what it read then", async () => {
    writeFileSync(serviceFile, base(`${ALPHA}    - { name: gamma, address: 127.0.0.1, os: debian, connection: local }\n`));
    const verify = await runPatchbot(['audit', 'verify', '--config', serviceFile]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('differs from it in: inventory.');
    expect(verify.stderr).toContain('Restart the service to apply the change');
  }, 60_000);

  it('started no scan for a refused command (the audit trail has the startup scan and the one that ran)', async () => {
    expect(await service.stop('SIGTERM')).toBe(0);
    const { store } = await openStore(`pglite://${dir}/data`, { migrate: false });
    const started: string[] = [];
    for await (const event of store.audit.read()) if (event.action === 'scan.started') started.push(event.actor);
    await store.close();
    expect(started).toHaveLength(2);
    expect(started).toContain('patchbot:startup');
  }, 60_000);
});

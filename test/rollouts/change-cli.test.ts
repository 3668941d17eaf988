import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { platform } from '../support/platform.ts';
import { cli } from '../support/cli.ts';

/**
 * `patchbot changes` and `patchbot change …` drive the same use cases as chat, as a configured
 * person: a script can propose, vote and steer, and is refused exactly as chat would be.
 */
let config: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchbot-change-cli-'));
  config = join(dir, 'patchbot.yaml');
  writeFileSync(config, [`store: { url: "pglite://${dir}/data" }`, 'log: { level: warn }', 'schedules: { discovery: null }'].join('\n'));
  // A store as a first scan of this machine would leave it, with one patch missing on localhost.
  expect((await cli(['db', 'migrate', '--config', config])).code).toBe(0);
  const handle = await platform.openStore(`pglite://${dir}/data`, { migrate: false });
  const at = new Date();
  await handle.store.hosts.sync([{ name: 'localhost', address: '127.0.0.1', port: 22, user: 'root', os: 'debian', groups: ['local'], tags: {}, connection: 'local' }]);
  await handle.store.groups.sync([{ name: 'local', members: ['localhost'], production: false }]);
  await handle.store.scans.start('scan-1', 'test', ['localhost'], at);
  await handle.store.patches.upsert([{ id: 'deb:zlib1g@9.9-1', title: 'zlib1g 9.9-1', severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: at }], 'scan-1');
  await handle.store.findings.record('scan-1', 'localhost', [{ patchId: 'deb:zlib1g@9.9-1', state: 'missing' }], at);
  await handle.close();
});

describe('patchbot change', () => {
  it('proposes and approves as configured people, and lists the change', async () => {
    const proposed = await cli(['change', 'propose', 'deb:zlib1g@9.9-1', 'to', 'local', '--as', 'alice', '--json', '--config', config]);
    expect(proposed.code).toBe(0);
    const id = JSON.parse(proposed.stdout).data.change as string;
    expect(id).toMatch(/^CHG-\d+$/);

    const self = await cli(['change', 'approve', id, '--as', 'alice', '--config', config]);
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/separation of duties/);

    const approved = await cli(['change', 'approve', id, 'looks', 'fine', '--as', 'dave', '--config', config]);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(new RegExp(`Your approval of ${id} is recorded`));

    const listed = JSON.parse((await cli(['changes', '--json', '--config', config])).stdout);
    expect(listed.data.changes).toEqual([expect.objectContaining({ id, state: 'approved', requester: 'alice' })]);
    // On a terminal the same cards are plain text: chat's `code` and *bold* marks are taken off.
    const plain = await cli(['changes', '--config', config]);
    expect(plain.stdout).toContain(id);
    expect(plain.stdout).toContain('deb:zlib1g@9.9-1');
    expect(plain.stdout).not.toMatch(/[`*]/);
    const shown = await cli(['change', 'show', id, '--config', config]);
    expect(shown.stdout).not.toMatch(/[`*]/);
    expect(shown.stdout).toMatch(/Plan/);
    expect(shown.stdout).toMatch(/dave \(approve\): looks fine/);
  });

  it('refuses what chat refuses, and says what it expected', async () => {
    const verb = await cli(['change', 'aprove', 'CHG-1', '--as', 'dave', '--config', config]);
    expect(verb.code).toBe(2);
    expect(verb.stderr).toMatch(/no verb "aprove"; did you mean approve\?/);
    const person = await cli(['change', 'approve', 'CHG-1', '--as', 'dav', '--config', config]);
    expect(person.code).toBe(1);
    expect(person.stderr).toMatch(/dave/);
    const pause = await cli(['change', 'pause', 'CHG-1', '--as', 'alice', '--config', config]);
    expect(pause.code).toBe(1);
    expect(pause.stderr).toMatch(/CHG-1 is approved: it cannot be paused now/);
    const unknown = await cli(['change', 'show', 'CHG-99', '--config', config]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/CHG-99/);
  });
});

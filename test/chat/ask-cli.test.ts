import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.ts';
import { platform } from '../support/platform.ts';

/**
 * `patchbot ask` through the real CLI entry, against an embedded store on disk seeded the way a
 * scan would leave it: the same dispatcher and answers as chat, printed as text or JSON.
 */
let dir: string;
let config: string;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchbot-ask-'));
  config = join(dir, 'patchbot.yaml');
  writeFileSync(config, [`store:`, `  url: pglite://${dir}/data`, 'log: { level: warn }'].join('\n'));
  // The composition root's own openStore: the store the CLI will open, migrated like a scan would.
  const handle = await platform.openStore(`pglite://${dir}/data`, { migrate: true });
  const { store } = handle;
  try {
    const host = (name: string) => ({ name, address: '127.0.0.1', port: 22, user: 'root', os: 'debian' as const, groups: ['web'], tags: {}, connection: 'ssh' as const });
    await store.hosts.sync([host('web-01'), host('web-02')]);
    await store.groups.sync([{ name: 'web', production: false }]);
    await store.people.sync([{ name: 'alice', roles: ['oncall'] }]);
    await store.patches.upsert([
      { id: 'KB5034441', title: 'Windows Recovery Environment update', severity: 'important', security: true, cves: [], rebootHint: true, firstSeen: minutesAgo(600) },
    ]);
    const at = minutesAgo(12);
    await store.scans.start('scan-1', 'test', ['web-01', 'web-02'], at);
    for (const name of ['web-01', 'web-02']) await store.scans.recordHost({ scanId: 'scan-1', host: name, outcome: 'ok', startedAt: at, finishedAt: at, rebootRequired: name === 'web-02' });
    await store.findings.record('scan-1', 'web-01', [{ patchId: 'KB5034441', state: 'missing' }], at);
    await store.findings.record('scan-1', 'web-02', [{ patchId: 'KB5034441', state: 'installed' }], at);
    await store.scans.finish('scan-1', at);
  } finally {
    await handle.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ask = (...argv: string[]) => cli(['ask', ...argv, '--config', config]);

describe('patchbot ask', () => {
  it('lists the hosts missing a patch, with the freshness line, and exits 0', async () => {
    const { code, stdout, stderr } = await ask('which servers are missing KB5034441?');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(
      [
        'KB5034441 is missing on 1 host',
        'Windows Recovery Environment update — important, security; needs a reboot',
        '  Missing:      1',
        '  Installed:    1',
        '  Not reported: 0',
        '  - web-01',
        '(from scans 12 min ago)',
        '',
      ].join('\n'),
    );
  });

  it('gives an unknown KB a helpful answer and exits 1', async () => {
    const { code, stdout, stderr } = await ask('which servers are missing KB5034442?');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^Not found\nNo scan has reported patch KB5034442 in the last 90 days\. Did you mean KB5034441\?\n\(ref [0-9a-f]{8}\)\n$/);
  });

  it('prints the structured answer with --json', async () => {
    const { code, stdout } = await ask('missing', 'KB5034441', 'in', 'web', '--json');
    expect(code).toBe(0);
    const body = JSON.parse(stdout) as { ok: boolean; intent: unknown; data: { missing: { host: string }[]; installed: string[]; freshness: { scanned: number } } };
    expect(body).toMatchObject({ ok: true, intent: { kind: 'missing', patch: 'KB5034441', target: 'web' } });
    expect(body.data.missing.map((m) => m.host)).toEqual(['web-01']);
    expect(body.data).toMatchObject({ installed: ['web-02'], freshness: { scanned: 2 } });
  });

  it('reports failures as JSON too, with exit 1', async () => {
    const { code, stdout } = await ask('status', 'web-9', '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      ok: false,
      intent: { kind: 'status', host: 'web-9' },
      error: { code: 'not-found', message: 'No host named `web-9`. Did you mean `web`, `web-01`, `web-02`?', suggestions: ['web', 'web-01', 'web-02'] },
    });
  });

  it('answers other questions the same way chat does', async () => {
    const reboots = await ask('who needs a reboot?');
    expect(reboots).toMatchObject({ code: 0, stdout: expect.stringMatching(/^1 host needs a reboot\n {2}- web-02 \(as of 12 min ago\)\n/) });
    const status = await ask('status', 'web-01');
    expect(status).toMatchObject({ code: 0, stdout: expect.stringContaining('web-01: 1 missing patch\n') });
  });

  it('exits 1 with suggestions when it understood nothing, and 1 for an unknown --as person', async () => {
    const lost = await ask('what is the meaning of life?');
    expect(lost.code).toBe(1);
    expect(lost.stderr).toMatch(/I understood none of that; try: /);
    const nobody = await ask('reboots', '--as', 'alcie');
    expect(nobody).toMatchObject({ code: 1, stderr: expect.stringContaining('No person named alcie. Did you mean alice?') });
  });

  it('says what to do when the store was never prepared', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'patchbot-ask-empty-'));
    try {
      const file = join(empty, 'patchbot.yaml');
      writeFileSync(file, `store:\n  url: pglite://${empty}/data\nlog: { level: warn }\n`);
      const result = await cli(['ask', 'who needs a reboot?', '--config', file]);
      expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('Run patchbot scan (or patchbot start) once') });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('needs a question', async () => {
    expect(await cli(['ask', '--config', config])).toMatchObject({ code: 2, stderr: expect.stringContaining('expected at least 1 argument(s), got 0') });
  });
});

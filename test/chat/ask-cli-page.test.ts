import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.ts';
import { platform } from '../support/platform.ts';
import { estateHost, scanAt } from '../support/estate-scans.ts';

/**
 * `patchbot ask … --page N` through the real CLI entry, on an embedded store where 20 hosts miss a
 * patch: the page is the one `… page N` shows, `--json` holds every host whatever the page, and a
 * bad page is a usage error that says what is wrong and opens nothing.
 */
let dir: string;
let config: string;
const PATCH = 'KB5034441';
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
const NAMES = Array.from({ length: 20 }, (_, i) => `node-${String(i + 1).padStart(2, '0')}`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchbot-ask-page-'));
  config = join(dir, 'patchbot.yaml');
  writeFileSync(config, [`store:`, `  url: pglite://${dir}/data`, 'log: { level: warn }'].join('\n'));
  const handle = await platform.openStore(`pglite://${dir}/data`, { migrate: true });
  try {
    const { store } = handle;
    await store.hosts.sync(NAMES.map((n) => estateHost(n, 'web')));
    await store.groups.sync([{ name: 'web', production: false }]);
    // Found 40 days ago: every host is past the 30-day SLA of an important patch (a compliance list of 20).
    await store.patches.upsert([{ id: PATCH, title: 'Windows Recovery Environment update', severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: daysAgo(41) }]);
    await scanAt(store, 'scan-1', daysAgo(40), Object.fromEntries(NAMES.map((n) => [n, { findings: [{ patchId: PATCH, state: 'missing' as const }] }])));
  } finally {
    await handle.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ask = (...argv: string[]) => cli(['ask', ...argv, '--config', config]);

describe('patchbot ask --page', () => {
  it('shows the page that `… page N` shows', async () => {
    const flagged = await ask(`which servers are missing ${PATCH} in web?`, '--page', '2');
    expect(flagged).toMatchObject({ code: 0, stderr: '' });
    expect(flagged.stdout).toContain(
      `16–20 of 20:\n${NAMES.slice(15)
        .map((n) => `  - ${n}\n`)
        .join('')}`,
    );
    expect(flagged.stdout).not.toContain('node-15');
    expect(flagged.stdout).toBe((await ask(`missing ${PATCH} in web page 2`)).stdout);
  });

  it('keeps --json whole: every host, whatever the page', async () => {
    const { code, stdout } = await ask('missing', PATCH, '--page', '2', '--json');
    expect(code).toBe(0);
    const body = JSON.parse(stdout) as { intent: { page?: number }; data: { missing: { host: string }[] } };
    expect(body.intent).toMatchObject({ kind: 'missing', patch: PATCH, page: 2 });
    expect(body.data.missing.map((m) => m.host)).toEqual(NAMES);
  });

  it('keeps compliance --json the same on every page, while the card pages', async () => {
    const first = await ask('compliance', '--json');
    const second = await ask('compliance', '--page', '2', '--json');
    expect(JSON.parse(second.stdout).data).toEqual(JSON.parse(first.stdout).data);
    expect(JSON.parse(first.stdout).data.lines.join('\n')).toContain('node-01');
    const card = await ask('compliance', '--page', '2');
    expect(card.stdout).toContain('node-16');
    expect(card.stdout).not.toContain('node-01 ');
  });

  it.each<[string[], string]>([
    [['pending', '--page', 'two'], '--page "two" is not a page number: pages are 1, 2, 3…'],
    [['pending', '--page', '0'], '--page 0: pages count from 1 (--page 1 is the first).'],
    [['pending', '--page=-1'], '--page "-1" is not a page number: pages are 1, 2, 3…'],
    [['pending', '--page', '10001'], '--page "10001" is past any list: pages go up to 10,000.'],
    [['approve CHG-7', '--page', '2'], '--page is for the answers with lists (missing, status, pending, reboots, compliance, changes); `approve` has none.'],
    [['pending page 2', '--page', '3'], 'the question asks for page 2 and --page for 3: give the page once.'],
  ])('refuses %j as a usage error, answering nothing', async (argv, message) => {
    const result = await ask(...argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^patchbot ask: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\nUsage: patchbot ask`));
  });

  it('takes --page on `patchbot changes` too, with the same errors', async () => {
    expect(await cli(['changes', '--page', 'x', '--config', config])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(/^patchbot changes: --page "x" is not a page number/),
    });
    const page = await cli(['changes', '--page', '2', '--json', '--config', config]);
    expect(page.code).toBe(0);
    expect(JSON.parse(page.stdout)).toMatchObject({ ok: true, intent: { kind: 'changes', page: 2 } });
  });
});

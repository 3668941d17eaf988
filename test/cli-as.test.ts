import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { operatorName } from '../src/cli/operator.ts';
import { cli } from './support/cli.ts';
import { platform } from './support/platform.ts';

/**
 * #13 item 1: the CLI's `--as` is the operator speaking for someone. Outside demo mode (here: a
 * server token is set, so the console is not a demo) votes with `--as` are refused unless the
 * config allows them, and every `--as` action is audited as the operator's.
 */
let dir: string;
const configWith = (extra: string) => {
  const file = join(dir, `patchbot-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, [`store: { url: "pglite://${dir}/data" }`, 'log: { level: warn }', 'schedules: { discovery: null }', 'server: { token: a-server-token-0123456789 }', extra].join('\n'));
  return file;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchbot-cli-as-'));
  expect((await cli(['db', 'migrate', '--config', configWith('')])).code).toBe(0);
  const handle = await platform.openStore(`pglite://${dir}/data`, { migrate: false });
  const at = new Date();
  await handle.store.hosts.sync([{ name: 'localhost', address: '127.0.0.1', port: 22, user: 'root', os: 'debian', groups: ['local'], tags: {}, connection: 'local' }]);
  await handle.store.groups.sync([{ name: 'local', members: ['localhost'], production: false }]);
  await handle.store.scans.start('scan-1', 'test', ['localhost'], at);
  await handle.store.patches.upsert([{ id: 'deb:zlib1g@9.9-1', title: 'zlib1g 9.9-1', severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: at }], 'scan-1');
  await handle.store.findings.record('scan-1', 'localhost', [{ patchId: 'deb:zlib1g@9.9-1', state: 'missing' }], at);
  await handle.close();
});

const audit = async () => {
  const handle = await platform.openStore(`pglite://${dir}/data`, { migrate: false });
  const events = [];
  for await (const event of handle.store.audit.read()) events.push(event);
  await handle.close();
  return events;
};

describe('patchbot … --as outside demo mode', () => {
  it('refuses a vote cast with --as, records who tried, and changes nothing', async () => {
    const config = configWith('');
    const proposed = await cli(['change', 'propose', 'deb:zlib1g@9.9-1', 'to', 'local', '--as', 'alice', '--json', '--config', config]);
    expect(proposed.code).toBe(0);
    const id = JSON.parse(proposed.stdout).data.change as string;
    const vote = await cli(['change', 'approve', id, '--as', 'dave', '--config', config]);
    expect(vote.code).toBe(1);
    expect(vote.stderr).toMatch(/Refused: a vote cast with --as dave/);
    expect(vote.stderr).toMatch(/chat\.cli\.allowVotesAs/);
    const events = await audit();
    expect(events.filter((e) => e.action.startsWith('change.approved') || e.action === 'vote.cast')).toEqual([]);
    expect(events.find((e) => e.action === 'cli.on-behalf.refused')).toMatchObject({ actor: operatorName(), subject: 'dave', data: { intent: 'approve' } });
  });

  it('with chat.cli.allowVotesAs the vote counts, and the audit log says the operator cast it for dave', async () => {
    const config = configWith('chat: { cli: { allowVotesAs: true } }');
    const proposed = await cli(['change', 'propose', 'deb:zlib1g@9.9-1', 'to', 'local', '--as', 'alice', '--json', '--config', config]);
    const id = JSON.parse(proposed.stdout).data.change as string;
    const vote = await cli(['change', 'approve', id, '--as', 'dave', '--config', config]);
    expect(vote.code).toBe(0);
    const onBehalf = (await audit()).filter((e) => e.action === 'cli.on-behalf');
    expect(onBehalf).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: operatorName(), subject: 'alice', data: expect.objectContaining({ intent: 'propose', ok: true }) }),
        expect.objectContaining({ actor: operatorName(), subject: 'dave', data: expect.objectContaining({ intent: 'approve', ok: true, text: `approve ${id}` }) }),
      ]),
    );
  });
});

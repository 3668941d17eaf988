import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/commands.ts';
import { cli, writeConfig } from './support/cli.ts';

describe('patchbot CLI', () => {
  it('prints help and exits 2 without a command, 0 with --help', async () => {
    const bare = await cli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain('audit verify');
    expect((await cli(['--help'])).code).toBe(0);
  });

  it.each(COMMANDS.map((c) => [c.path.join(' ')]))('`%s --help` explains the command', async (path) => {
    const result = await cli([...path.split(' '), '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`patchbot ${path}`);
    expect(result.stdout).toContain('--config');
  });

  it('exits 2 on usage errors, naming what was wrong', async () => {
    expect(await cli(['frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
    expect(await cli(['audit', 'verify', '--bogus'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--bogus') });
    expect(await cli(['db', 'migrate', 'extra'])).toMatchObject({ code: 2, stderr: expect.stringContaining('expected 0 argument(s), got 1') });
  });

  it('a command group without a subcommand lists its commands (exit 2); a mistyped one gets the closest', async () => {
    for (const group of ['config', 'token', 'playbook', 'audit']) {
      const bare = await cli([group]);
      expect(bare.code).toBe(2);
      expect(bare.stdout).toContain(`patchbot ${group} needs a command:`);
      for (const command of COMMANDS.filter((c) => c.path[0] === group)) expect(bare.stdout).toContain(`patchbot ${command.path.join(' ')}`);
      expect(bare.stdout).not.toContain('patchbot start');
    }
    expect((await cli(['token'])).stdout).toMatch(/token create .*\n.*token list .*\n.*token revoke /);
    const chek = await cli(['config', 'chek']);
    expect(chek.code).toBe(2);
    expect(chek.stderr).toMatch(/^patchbot: unknown command "config chek"; did you mean "config check"\? The config commands:\n {2}patchbot config check/);
  });

  it('suggests the closest command for a mistyped one, and nothing misleading for a far one', async () => {
    expect(await cli(['scna'])).toMatchObject({ code: 2, stderr: 'patchbot: unknown command "scna"; did you mean "scan"? Run "patchbot --help" for the list.\n' });
    expect((await cli(['chnage', 'show'])).stderr).toMatch(/did you mean "change"\?/);
    expect((await cli(['tokne', 'list'])).stderr).toMatch(/did you mean "token"\?/);
    expect((await cli(['frobnicate'])).stderr).toBe('patchbot: unknown command "frobnicate". Run "patchbot --help" for the list.\n');
  });

  it('names a mistyped option and the closest one in plain words, with the usage', async () => {
    const jsn = await cli(['ask', 'pending', '--jsn']);
    expect(jsn.code).toBe(2);
    expect(jsn.stderr).toMatch(/^patchbot ask: unknown option --jsn; did you mean --json\? Options: --json, --as, --page, --config, --help\.\nUsage: patchbot ask/);
    expect(jsn.stderr).not.toContain('-- "--jsn');
    expect((await cli(['ask', 'pending', '--as'])).stderr).toMatch(/^patchbot ask: --as needs a value\.\n/);
    expect((await cli(['ask', 'pending', '--json=yes'])).stderr).toMatch(/^patchbot ask: --json takes no value\.\n/);
    expect((await cli(['ask', 'pending', '-x'])).stderr).toMatch(/^patchbot ask: unknown option -x\. Options:/);
  });

  it('prints its version', async () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `patchbot ${version}\n`, stderr: '' });
    expect((await cli(['--help'])).stdout).toContain('patchbot --version');
  });

  it('a change verb that acts as someone without --as is a usage error naming --as, with the usage line', async () => {
    for (const [verb, args] of [
      ['propose', ['deb:zlib1g@9.9-1', 'to', 'local']],
      ['approve', ['CHG-1']],
      ['rollback', ['CHG-1']],
    ] as const) {
      const result = await cli(['change', verb, ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^patchbot change ${verb}: --as PERSON is required .*\\nUsage: patchbot change ${verb} `));
    }
  });

  it('says what a change verb is missing, with its usage line', async () => {
    const approve = await cli(['change', 'approve']);
    expect(approve).toMatchObject({ code: 2, stderr: 'patchbot change approve: the change id is missing.\nUsage: patchbot change approve CHG-7 [comment] --as bob\n' });
    expect((await cli(['change', 'propose'])).stderr).toContain('patchbot change propose: the patches and the target are missing.');
    expect((await cli(['change'])).stderr).toContain('expected at least 1 argument(s), got 0');
  });

  it('refuses an unknown change verb with a suggestion and the list of verbs', async () => {
    const result = await cli(['change', 'rollbak', 'CHG-1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no verb "rollbak"; did you mean rollback\? Verbs: show, propose, approve/);
  });

  it('lists every config problem with its path and exits 1', async () => {
    const bad = writeConfig(
      [
        'server:',
        '  port: 70000',
        'store:',
        '  url: mysql://x',
        'chat:',
        '  slack:',
        '    enabled: true',
        'windows:',
        '  nightly: { cron: "0 25 * * *", duration: 4h, timezone: Mars/Olympus }',
        'execution:',
        '  dryrun: false',
      ].join('\n'),
    );
    const result = await cli(['config', 'check', '--config', bad]);
    expect(result.code).toBe(1);
    for (const path of [
      'server.port',
      'store.url',
      'chat.slack.signingSecret: required when chat.slack.enabled is true',
      'chat.slack.botToken',
      'windows.nightly.cron',
      'windows.nightly.timezone',
      'execution.dryrun',
    ]) {
      expect(result.stderr).toContain(path);
    }
    expect(result.stderr).toMatch(/dryRun/);
  });

  it('migrates a fresh embedded store once, and `--check` tells pending from current', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchbot-cli-'));
    const config = writeConfig(`store:\n  url: pglite://${dir}/data\n`);
    const pending = await cli(['db', 'migrate', '--check', '--config', config]);
    expect(pending).toMatchObject({ code: 1, stdout: expect.stringMatching(/pending: schema at 0/) });
    const applied = await cli(['db', 'migrate', '--config', config]);
    expect(applied).toMatchObject({ code: 0, stdout: expect.stringMatching(/Applied 001_init/) });
    expect(await cli(['db', 'migrate', '--check', '--config', config])).toMatchObject({ code: 0, stdout: expect.stringMatching(/current/) });
    expect(await cli(['audit', 'verify', '--config', config])).toMatchObject({ code: 0, stdout: expect.stringMatching(/intact: 0 events/) });
  });

  it('reads the inventory file only for commands that need the inventory (a generated one can hold 100,000 hosts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchbot-cli-'));
    // Unparseable on purpose: a command that read it would fail naming it.
    writeFileSync(join(dir, 'inventory.yaml'), 'hosts: [ { name: web-01');
    const config = writeConfig(`store:\n  url: pglite://${dir}/data\ninventory:\n  file: ${dir}/inventory.yaml\n`);
    expect(await cli(['db', 'migrate', '--config', config])).toMatchObject({ code: 0, stdout: expect.stringMatching(/Applied 001_init/) });
    expect(await cli(['audit', 'verify', '--config', config])).toMatchObject({ code: 0, stdout: expect.stringMatching(/intact: 0 events/) });
    expect(await cli(['report', 'compliance', '--config', config])).toMatchObject({ code: 0 });
    expect(await cli(['token', 'create', '--as', 'alice', '--config', config])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^pat_/) });
    expect(await cli(['token', 'list', '--config', config])).toMatchObject({ code: 0, stdout: expect.stringMatching(/ alice /) });
    const check = await cli(['config', 'check', '--config', config]);
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).toMatch(/inventory\.yaml:\d+:\d+: /);
    expect((await cli(['scan', '--config', config])).stderr).toMatch(/inventory\.yaml:\d+:\d+: /);
  });
});

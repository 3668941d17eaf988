import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFixtures, problemsOf } from '../../test/support/config-fixtures.ts';
import { loadConfig } from './load.ts';

const fixture = configFixtures();

const HOST = (name: string) => `{ name: ${name}, address: 10.0.0.1, os: debian }`;

describe('loadConfig: files referenced from config', () => {
  it('reads { file: } secrets relative to the config file, trimmed', async () => {
    const dir = fixture({
      'etc/patchbot.yaml': 'chat: { slack: { enabled: true, botToken: { file: ../secrets/bot }, signingSecret: { file: /dev/null/none }, channels: { announce: C1 } } }\n',
      'secrets/bot': 'xoxb-from-file\n',
    });
    const problems = await problemsOf(loadConfig({ files: [join(dir, 'etc/patchbot.yaml')], env: {}, cwd: '/' }));
    expect(problems).toEqual([expect.stringMatching(/^chat\.slack\.signingSecret: cannot read secret file \/dev\/null\/none \(ENOTDIR\); create it, fix the path/)]);

    writeFileSync(join(dir, 'secrets/signing'), '  s3cret  \n');
    writeFileSync(
      join(dir, 'etc/patchbot.yaml'),
      'chat: { slack: { enabled: true, botToken: { file: ../secrets/bot }, signingSecret: { file: ../secrets/signing }, channels: { announce: C1 } } }\n',
    );
    const { config } = await loadConfig({ files: [join(dir, 'etc/patchbot.yaml')], env: {}, cwd: '/' });
    expect(config.chat.slack).toMatchObject({ botToken: 'xoxb-from-file', signingSecret: 's3cret' });
  });

  it('resolves relative paths against the directory of the file that set them', async () => {
    const dir = fixture({
      'conf/site.yaml': [
        'store: { url: pglite://db }',
        'playbooks: { dir: ../books }',
        'execution: { ssh: { privateKeyPath: keys/id_ed25519, knownHostsPath: ~/kh } }',
        'inventory: { file: hosts/inv.yaml }',
      ].join('\n'),
      'conf/hosts/inv.yaml': `hosts: [${HOST('web-1')}]\ngroups: [{ name: web, members: [web-1] }]\n`,
    });
    const { config } = await loadConfig({ files: ['conf/site.yaml'], env: { HOME: '/home/op' }, cwd: dir });
    expect(config.store.url).toBe(`pglite://${join(dir, 'conf/db')}`);
    expect(config.playbooks.dir).toBe(join(dir, 'books'));
    expect(config.execution.ssh.privateKeyPath).toBe(join(dir, 'conf/keys/id_ed25519'));
    expect(config.execution.ssh.knownHostsPath).toBe('/home/op/kh');
    expect(config.inventory.file).toBe(join(dir, 'conf/hosts/inv.yaml'));
    // A layer that sets inventory replaces it whole: the default localhost is gone.
    expect(config.inventory.hosts.map((host) => host.name)).toEqual(['web-1']);
    expect(config.inventory.groups.map((group) => group.name)).toEqual(['web']);
  });

  it('reports problems inside the inventory file at the file and its own index', async () => {
    const dir = fixture({
      'site.yaml': `inventory:\n  file: inv.yaml\n  hosts: [${HOST('inline-1')}]\n  groups: [{ name: mixed, members: [inline-1, file-1] }]\n`,
      'inv.yaml': [
        'hosts:',
        `  - ${HOST('file-1')}`,
        '  - { name: file-2, address: 10.0.0.2, os: solaris }',
        `  - ${HOST('inline-1')}`,
        'groups: [{ name: g2, members: [ghost] }]',
        'hots: []',
      ].join('\n'),
    });
    const file = join(dir, 'inv.yaml');
    const problems = await problemsOf(loadConfig({ files: ['site.yaml'], env: {}, cwd: dir }));
    expect(problems.map((problem) => problem.slice(0, problem.indexOf(': ')))).toEqual([
      `inventory.file(${file}).hots`,
      `inventory.file(${file}).hosts.1.os`,
      `inventory.file(${file}).hosts.2.name`,
      `inventory.file(${file}).groups.0.members.0`,
    ]);
    expect(problems[0]).toContain('did you mean hosts?');
    expect(problems[2]).toContain('duplicate host name "inline-1"');
  });

  it('reports a syntax error in the inventory file with its position, without knock-on problems', async () => {
    const dir = fixture({ 'site.yaml': 'inventory: { file: inv.yaml, groups: [{ name: g, members: [web-1] }] }\n', 'inv.yaml': 'hosts:\n  - { name: web-1\n' });
    const problems = await problemsOf(loadConfig({ files: ['site.yaml'], env: {}, cwd: dir }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${join(dir, 'inv.yaml').replaceAll('/', '\\/')}:\\d+:\\d+: `));
  });

  it('reads an inventory file ending in .json as JSON, validated like YAML, with a syntax error at its line and column', async () => {
    const inv = {
      hosts: [
        { name: 'web-1', address: '10.0.0.1', os: 'debian', groups: ['g'] },
        { name: 'web-2', address: '10.0.0.2', os: 'plan9' },
      ],
      groups: [{ name: 'g', selector: { os: ['debian'] } }],
    };
    const dir = fixture({ 'site.yaml': 'inventory: { file: inv.json }\n', 'inv.json': JSON.stringify(inv, null, 1) });
    const problems = await problemsOf(loadConfig({ files: ['site.yaml'], env: {}, cwd: dir }));
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^inventory\\.file\\(${join(dir, 'inv.json').replaceAll('/', '\\/')}\\)\\.hosts\\.1\\.os: `))]);
    inv.hosts[1]!.os = 'ubuntu';
    writeFileSync(join(dir, 'inv.json'), JSON.stringify(inv, null, 1));
    const { config } = await loadConfig({ files: ['site.yaml'], env: {}, cwd: dir });
    expect(config.inventory.hosts.map((h) => [h.name, h.os, h.port])).toEqual([
      ['web-1', 'debian', 22],
      ['web-2', 'ubuntu', 22],
    ]);
    writeFileSync(join(dir, 'inv.json'), '{\n  "hosts": [\n    { "name": "web-1", }\n  ]\n}\n');
    const broken = await problemsOf(loadConfig({ files: ['site.yaml'], env: {}, cwd: dir }));
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatch(new RegExp(`^${join(dir, 'inv.json').replaceAll('/', '\\/')}:3:24: `));
  });
});

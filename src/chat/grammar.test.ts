import { describe, expect, it } from 'vitest';
import { parseCommand } from './grammar.ts';
import type { Intent } from './intent.ts';

describe('parseCommand', () => {
  it.each<[string, Intent]>([
    ['', { kind: 'help', topic: null, note: null }],
    ['help', { kind: 'help', topic: null, note: null }],
    ['help missing', { kind: 'help', topic: 'missing', note: null }],
    ['help frobnicate', { kind: 'help', topic: null, note: 'There is no `frobnicate` command.' }],
    ['scan', { kind: 'scan', target: null }],
    ['scan prod-web', { kind: 'scan', target: 'prod-web' }],
    ['SCAN web-01', { kind: 'scan', target: 'web-01' }],
    ['missing KB5034441', { kind: 'missing', patch: 'KB5034441', target: null }],
    ['missing kb5034441', { kind: 'missing', patch: 'KB5034441', target: null }],
    ['missing KB5034441 in prod-web', { kind: 'missing', patch: 'KB5034441', target: 'prod-web' }],
    ['missing KB5034441 prod-web', { kind: 'missing', patch: 'KB5034441', target: 'prod-web' }],
    ['missing rhsa-2024:1234 in staging', { kind: 'missing', patch: 'RHSA-2024:1234', target: 'staging' }],
    ['missing deb:openssl@3.0.13-1~deb12u1', { kind: 'missing', patch: 'deb:openssl@3.0.13-1~deb12u1', target: null }],
    ['missing openssl', { kind: 'missing', patch: 'openssl', target: null }],
    ['status web-01', { kind: 'status', host: 'web-01' }],
    ['status of web-01', { kind: 'status', host: 'web-01' }],
    ['pending', { kind: 'pending', target: null }],
    ['pending prod-web', { kind: 'pending', target: 'prod-web' }],
    ['pending in prod-web', { kind: 'pending', target: 'prod-web' }],
    ['reboots', { kind: 'reboots', target: null }],
    ['reboots?', { kind: 'reboots', target: null }],
    ['reboots staging', { kind: 'reboots', target: 'staging' }],
    ['compliance', { kind: 'compliance', standard: null, target: null }],
    ['compliance pci', { kind: 'compliance', standard: 'pci', target: null }],
    ['compliance HIPAA prod-web', { kind: 'compliance', standard: 'hipaa', target: 'prod-web' }],
    ['compliance prod-web', { kind: 'compliance', standard: null, target: 'prod-web' }],
    ['propose KB5034441 to prod-web', { kind: 'propose', patches: ['KB5034441'], groups: ['prod-web'], window: null, emergency: false }],
    [
      'propose KB5034441, KB5034442 to prod-web and staging at weeknights',
      { kind: 'propose', patches: ['KB5034441', 'KB5034442'], groups: ['prod-web', 'staging'], window: 'weeknights', emergency: false },
    ],
    ['propose kb5034441 to prod-web at now emergency', { kind: 'propose', patches: ['KB5034441'], groups: ['prod-web'], window: 'now', emergency: true }],
    ['propose emergency KB5034441 to prod-web', { kind: 'propose', patches: ['KB5034441'], groups: ['prod-web'], window: null, emergency: true }],
    ['changes', { kind: 'changes' }],
    ['show CHG-12', { kind: 'show', change: 'CHG-12' }],
    ['show chg12', { kind: 'show', change: 'CHG-12' }],
    ['show 12', { kind: 'show', change: 'CHG-12' }],
    ['approve CHG-7', { kind: 'approve', change: 'CHG-7', comment: null }],
    ['approve CHG-7 looks good to me', { kind: 'approve', change: 'CHG-7', comment: 'looks good to me' }],
    ['approve CHG-7, ship it', { kind: 'approve', change: 'CHG-7', comment: 'ship it' }],
    ['reject chg-7 freeze week; see INC-42', { kind: 'reject', change: 'CHG-7', comment: 'freeze week; see INC-42' }],
    ['pause CHG-7', { kind: 'pause', change: 'CHG-7', hosts: [] }],
    ['resume CHG-7', { kind: 'resume', change: 'CHG-7', hosts: [] }],
    ['cancel CHG-7', { kind: 'cancel', change: 'CHG-7', hosts: [] }],
    ['rollback CHG-7 web-01, web-02 and web-03', { kind: 'rollback', change: 'CHG-7', hosts: ['web-01', 'web-02', 'web-03'] }],
    ['/patch missing KB5034441', { kind: 'missing', patch: 'KB5034441', target: null }],
    ['@patchbot: pending', { kind: 'pending', target: null }],
    ['  status\u00A0web-01\u200B  ', { kind: 'status', host: 'web-01' }],
    ['ｓｔａｔｕｓ web-01', { kind: 'status', host: 'web-01' }],
  ])('%j', (text, intent) => {
    expect(parseCommand(text)).toEqual({ ok: true, intent });
  });

  it.each<[string, string, RegExp]>([
    ['mising KB5034441', 'missing <patch>', /I don't know the command `mising`\. Did you mean `missing`\?/],
    ['reboot', 'reboots', /Did you mean `reboots`/],
    ['aprove CHG-7', 'approve <change>', /Did you mean `approve`/],
    ['frobnicate', '', /I don't know the command `frobnicate`\. Try `help`\./],
  ])('unknown verb %j → closest verb and its usage', (text, usage, message) => {
    const result = parseCommand(text);
    expect(result).toMatchObject({ ok: false, reason: 'unknown-verb', verb: null, message: expect.stringMatching(message) });
    if (usage) expect(!result.ok && result.usage).toContain(usage);
    else expect(!result.ok && result.usage).toBeNull();
  });

  it.each<[string, string, RegExp]>([
    ['missing', 'missing', /Which patch\?/],
    ['missing KB5034441 in', 'missing', /`in` needs a group or host name/],
    ['status', 'status', /Which host\?/],
    ['status web-01 web-02', 'status', /Unexpected `web-02`/],
    ['scan $(rm -rf /)', 'scan', /`\$\(rm` is not a group or host name/],
    ['status web-01;reboot', 'status', /`web-01;reboot` is not a host name/],
    ['missing KB5034441`id` in prod', 'missing', /is not a patch id/],
    ['propose KB5034441', 'propose', /Say where/],
    ['propose to prod-web', 'propose', /Which patches\?/],
    ['propose KB5034441 to', 'propose', /Which groups\?/],
    ['propose KB5034441 to prod-web at', 'propose', /one maintenance window/],
    ['changes all of them', 'changes', /Unexpected/],
    ['show', 'show', /Which change\?/],
    ['show web-01', 'show', /`web-01` is not a change id/],
    ['approve', 'approve', /Which change\?/],
    ['approve please', 'approve', /`please` is not a change id/],
    ['rollback CHG-7 web-01|sh', 'rollback', /not a host name/],
  ])('bad arguments %j → the verb, a message and the usage line', (text, verb, message) => {
    const result = parseCommand(text);
    expect(result).toMatchObject({ ok: false, reason: 'bad-arguments', verb, message: expect.stringMatching(message) });
    expect(!result.ok && result.usage).toMatch(new RegExp(`^${verb}\\b`));
  });

  it('refuses very long text without parsing it', () => {
    expect(parseCommand(`missing ${'KB1'.repeat(10_000)}`)).toMatchObject({ ok: false, reason: 'too-long' });
    expect(parseCommand(`status ${'a'.repeat(600)}`)).toMatchObject({ ok: false, reason: 'too-long', message: expect.stringContaining('at most 500') });
  });

  it('never throws on odd input', () => {
    const odd = [
      '\u0000',
      '💥💥',
      'status 🖥️',
      '; rm -rf / #',
      '`whoami`',
      '$HOME',
      'missing ../../etc/passwd',
      'approve CHG-1 <script>alert(1)</script>',
      '\n\n\t',
      'scan -- --help',
      'status web-01\nreject CHG-1',
    ];
    for (const text of odd) expect(() => parseCommand(text)).not.toThrow();
    expect(parseCommand('missing ../../etc/passwd')).toMatchObject({ ok: false, reason: 'bad-arguments' });
    expect(parseCommand('status 🖥️')).toMatchObject({ ok: false, message: expect.stringContaining('is not a host name') });
  });

  it('keeps comments verbatim, including shell metacharacters (they are data, never executed)', () => {
    expect(parseCommand('reject CHG-3 $(curl evil) && `id` | tee')).toEqual({ ok: true, intent: { kind: 'reject', change: 'CHG-3', comment: '$(curl evil) && `id` | tee' } });
  });
});

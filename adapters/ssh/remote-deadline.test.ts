import { describe, expect, it } from 'vitest';
import type { Host } from '../../src/inventory/host.ts';
import { plainCommand, withRemoteDeadline } from './remote-deadline.ts';

const host = (os: Host['os']): Host => ({ name: 'h', address: '127.0.0.1', port: 22, user: 'root', os, groups: [], tags: {}, connection: 'ssh' });

describe('plainCommand: what `timeout` may exec without a shell', () => {
  it.each([
    'cat /var/lib/patchbot/scan.txt',
    'systemctl is-active nginx.service',
    'curl -fsS --max-time 5 http://127.0.0.1:8080/healthz',
    'apt-get -s -o Debug::NoLocking=1 dist-upgrade',
    '/usr/local/bin/check-app --level=2 user@host 50% a,b +x',
  ])('accepts %s', (command) => {
    expect(plainCommand(command)).toBe(command);
  });

  it.each([
    ['a builtin', 'echo hi'],
    ['a builtin that changes the shell', 'cd /tmp'],
    ['a keyword', 'if true'],
    ['an assignment', 'LC_ALL=C apt-get -s dist-upgrade'],
    ['a glob', 'cat /var/log/*.log'],
    ['a tilde', 'cat ~/notes'],
    ['a variable', 'cat $HOME/x'],
    ['a command substitution', 'cat $(ls)'],
    ['quotes', "printf '%s' x"],
    ['double quotes', 'grep "a b" f'],
    ['a pipe', 'dpkg -l | wc -l'],
    ['a list', 'apt-get update; apt-get -s upgrade'],
    ['and-or', 'true && false'],
    ['a redirection', 'cat x >/dev/null'],
    ['a background job', 'sleep 5 &'],
    ['a comment', 'ls # all'],
    ['a backslash', 'ls a\\ b'],
    ['two spaces', 'ls  -l'],
    ['a leading space', ' ls'],
    ['a tab', 'ls\t-l'],
    ['a newline', 'ls\nrm -rf /'],
    ['braces', 'echo {a,b}'],
    ['a subshell', '(ls)'],
    ['nothing', ''],
  ])('refuses %s', (_, command) => {
    expect(plainCommand(command)).toBeNull();
  });
});

describe('withRemoteDeadline', () => {
  it('hands a plain program call to timeout directly, a script to the login shell, quoted', () => {
    expect(withRemoteDeadline(host('debian'), 'cat /x', 2000)).toBe('timeout -s KILL 3.000 cat /x');
    expect(withRemoteDeadline(host('debian'), "echo it's; ls", 2000)).toBe(`timeout -s KILL 3.000 "\${SHELL:-/bin/sh}" -c 'echo it'\\''s; ls'`);
  });

  it('leaves Windows commands alone (no coreutils timeout there)', () => {
    expect(withRemoteDeadline(host('windows'), 'Get-HotFix', 2000)).toBe('Get-HotFix');
  });
});

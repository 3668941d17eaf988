import { execFileSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/inventory/host.ts';
import { HostKeyPolicy, lookupNames } from './host-key-policy.ts';
import { checkHostKey, fingerprint, formatKnownHostsLine, keyTypeOf, knownHostsName, parseKnownHosts, patternsMatch } from './known-hosts.ts';

/** A key blob as ssh2 hands it to hostVerifier: string(type) string(key material). */
const blob = (type: string, seed: string): Buffer => {
  const field = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
  return Buffer.concat([field(Buffer.from(type)), field(createHash('sha256').update(seed).digest())]);
};
const A = blob('ssh-ed25519', 'a');
const B = blob('ssh-ed25519', 'b');
const R = blob('ssh-rsa', 'r');
const b64 = (key: Buffer) => key.toString('base64');
const hashed = (name: string, salt = Buffer.from('0123456789abcdef0123')) => `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;

const host = (overrides: Partial<Host> = {}): Host => ({
  name: 'web-1',
  address: '10.0.0.5',
  port: 22,
  user: 'root',
  os: 'debian',
  groups: [],
  tags: {},
  connection: 'ssh',
  ...overrides,
});

describe('parseKnownHosts', () => {
  it('reads entries, markers and comma lists, skipping comments, blanks and garbage', () => {
    const text = [
      '# a comment',
      '',
      `web-1,10.0.0.5 ssh-ed25519 ${b64(A)} root@web-1`,
      `@revoked * ssh-ed25519 ${b64(B)}`,
      `@cert-authority *.example.com ssh-rsa ${b64(R)}`,
      '@bogus x ssh-ed25519 AAAA',
      'only-two fields',
      `[db-1]:2222 ssh-ed25519 not*base64`,
    ].join('\n');
    const { entries, invalidLines } = parseKnownHosts(text);
    expect(entries.map((e) => [e.marker, e.patterns, e.keyType, e.lineNumber])).toEqual([
      [null, 'web-1,10.0.0.5', 'ssh-ed25519', 3],
      ['revoked', '*', 'ssh-ed25519', 4],
      ['cert-authority', '*.example.com', 'ssh-rsa', 5],
    ]);
    expect(entries[0]?.key.equals(A)).toBe(true);
    expect(invalidLines).toEqual([6, 7, 8]);
  });
});

describe('patternsMatch', () => {
  it.each([
    ['web-1', 'web-1', true],
    ['WEB-1', 'web-1', true],
    ['web-1,10.0.0.5', '10.0.0.5', true],
    ['web-1', 'web-10', false],
    ['[web-1]:2222', '[web-1]:2222', true],
    ['[web-1]:2222', 'web-1', false],
    ['web-1', '[web-1]:2222', false],
    ['*.example.com', 'a.example.com', true],
    ['10.0.0.?', '10.0.0.5', true],
    ['10.0.0.?', '10.0.0.55', false],
    ['*.example.com,!bad.example.com', 'bad.example.com', false],
    [hashed('web-1'), 'web-1', true],
    [hashed('web-1'), 'web-2', false],
    [hashed('[web-1]:2222'), '[web-1]:2222', true],
    [`other,${hashed('10.0.0.5')}`, '10.0.0.5', true],
    ['|1|garbage', 'web-1', false],
  ])('%s vs %s → %s', (patterns, name, expected) => {
    expect(patternsMatch(patterns, name)).toBe(expected);
  });
});

describe('checkHostKey', () => {
  const entries = (lines: string[]) => parseKnownHosts(lines.join('\n')).entries;

  it('trusts a recorded key, under any of the names', () => {
    const verdict = checkHostKey(entries([`other ssh-ed25519 ${b64(B)}`, `10.0.0.5 ssh-ed25519 ${b64(A)}`]), ['web-1', '10.0.0.5'], A);
    expect(verdict).toMatchObject({ status: 'trusted', lineNumber: 2 });
  });

  it('calls a host with no entry unknown, with the fingerprint of what it presented', () => {
    expect(checkHostKey(entries([`other ssh-ed25519 ${b64(A)}`]), ['web-1'], A)).toEqual({ status: 'unknown', fingerprint: fingerprint(A) });
  });

  it('calls any other recorded key a mismatch, also of another key type', () => {
    const verdict = checkHostKey(entries([`web-1 ssh-rsa ${b64(R)}`]), ['web-1'], A);
    expect(verdict).toEqual({ status: 'mismatch', fingerprint: fingerprint(A), known: [{ keyType: 'ssh-rsa', fingerprint: fingerprint(R), lineNumber: 1 }] });
  });

  it('refuses a revoked key even when it is also listed as trusted', () => {
    const verdict = checkHostKey(entries([`web-1 ssh-ed25519 ${b64(A)}`, `@revoked * ssh-ed25519 ${b64(A)}`]), ['web-1'], A);
    expect(verdict).toMatchObject({ status: 'revoked', lineNumber: 2 });
  });

  it('never trusts @cert-authority lines (no certificate checks)', () => {
    expect(checkHostKey(entries([`@cert-authority web-1 ssh-ed25519 ${b64(A)}`]), ['web-1'], A).status).toBe('unknown');
  });
});

describe('key helpers', () => {
  it('fingerprints like ssh-keygen -lf', () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchbot-kh-'));
    try {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')], { stdio: 'pipe' });
      const publicKey = readFileSync(join(dir, 'key.pub'), 'utf8');
      const key = Buffer.from(publicKey.split(' ')[1]!, 'base64');
      const expected = execFileSync('ssh-keygen', ['-lf', join(dir, 'key.pub')], { encoding: 'utf8' }).split(' ')[1];
      expect(fingerprint(key)).toBe(expected);
      expect(keyTypeOf(key)).toBe('ssh-ed25519');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names non-22 ports in brackets and formats the learned line', () => {
    expect(knownHostsName('web-1', 22)).toBe('web-1');
    expect(knownHostsName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
    expect(lookupNames(host({ port: 2222 }))).toEqual(['[10.0.0.5]:2222', '[web-1]:2222']);
    expect(formatKnownHostsLine('[10.0.0.5]:2222', A)).toBe(`[10.0.0.5]:2222 ssh-ed25519 ${b64(A)}`);
    expect(keyTypeOf(Buffer.from([1, 2]))).toBe('unknown');
  });
});

describe('HostKeyPolicy', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'patchbot-kh-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('learns a new host once, even when several sessions meet it at the same time', async () => {
    const path = join(dir, 'tofu', 'known_hosts');
    const learned: string[] = [];
    const policy = new HostKeyPolicy({ knownHostsPath: path, strictHostKeys: false, onHostKeyLearned: (_h, line) => learned.push(line) });
    const verdicts = await Promise.all([1, 2, 3].map(() => policy.verify(host(), A)));
    expect(verdicts.map((v) => v.status).sort()).toEqual(['learned', 'trusted', 'trusted']);
    expect(learned).toEqual([`10.0.0.5 ssh-ed25519 ${b64(A)}`]);
    expect(readFileSync(path, 'utf8')).toBe(`10.0.0.5 ssh-ed25519 ${b64(A)}\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect((await policy.verify(host(), B)).status).toBe('mismatch');
  });

  it('appends after a last line without a newline, and sees edits made while running', async () => {
    const path = join(dir, 'known_hosts_edit');
    writeFileSync(path, `other ssh-ed25519 ${b64(B)}`);
    const policy = new HostKeyPolicy({ knownHostsPath: path, strictHostKeys: false });
    expect((await policy.verify(host(), A)).status).toBe('learned');
    expect(readFileSync(path, 'utf8')).toBe(`other ssh-ed25519 ${b64(B)}\n10.0.0.5 ssh-ed25519 ${b64(A)}\n`);
    writeFileSync(path, `web-1 ssh-ed25519 ${b64(B)}\n`);
    expect((await policy.verify(host(), A)).status).toBe('mismatch');
  });

  it('offers the recorded key types first so a host known by RSA is not mistaken for a mismatch', () => {
    const path = join(dir, 'known_hosts_rsa');
    writeFileSync(path, `web-1 ssh-rsa ${b64(R)}\n`);
    const policy = new HostKeyPolicy({ knownHostsPath: path, strictHostKeys: true });
    expect(policy.preferredAlgorithms(host())?.slice(0, 4)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
    expect(policy.preferredAlgorithms(host({ name: 'db-1', address: '10.0.0.6' }))).toBeUndefined();
  });
});

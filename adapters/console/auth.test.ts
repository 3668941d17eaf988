import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/server/router.ts';
import { consoleAccess, isLoopbackHostHeader, sameSecret } from './auth.ts';

/** Peers other than loopback cannot be produced in a loopback-only test; the decision is checked here. */
const request = (remoteAddress: string, headers: Record<string, string>) => ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage;

const statusOf = (fn: () => void): number | 'ok' => {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (error instanceof HttpError) return error.status;
    throw error;
  }
};

describe('console access', () => {
  it('without a token, refuses peers that are not this machine', () => {
    const access = consoleAccess(undefined);
    expect(statusOf(() => access.check(request('192.0.2.7', { host: '127.0.0.1:8080' }), { stateChanging: false }))).toBe(403);
    expect(statusOf(() => access.check(request('::ffff:10.1.2.3', { host: 'localhost:8080' }), { stateChanging: false }))).toBe(403);
    expect(statusOf(() => access.check(request('127.0.0.1', { host: 'localhost:8080' }), { stateChanging: false }))).toBe('ok');
    expect(statusOf(() => access.check(request('::1', { host: '[::1]:8080' }), { stateChanging: false }))).toBe('ok');
  });

  it.each([
    ['localhost:8080', true],
    ['127.0.0.1', true],
    ['127.1.2.3:80', true],
    ['[::1]:8080', true],
    ['LOCALHOST', true],
    ['evil.example:8080', false],
    ['localhost.evil.example', false],
    ['127.0.0.1.nip.io', false],
    ['', false],
  ])('Host %j is loopback: %s', (host, loopback) => {
    expect(isLoopbackHostHeader(host || undefined)).toBe(loopback);
  });

  it('with a token, lets any peer in that holds it', () => {
    const access = consoleAccess('a-very-long-test-token');
    expect(statusOf(() => access.check(request('192.0.2.7', { host: 'patchbot.example.com', authorization: 'Bearer a-very-long-test-token' }), { stateChanging: false }))).toBe('ok');
    expect(statusOf(() => access.check(request('127.0.0.1', { host: 'localhost' }), { stateChanging: false }))).toBe(401);
  });

  it('compares secrets of any length without throwing', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abcd')).toBe(false);
    expect(sameSecret('', 'abc')).toBe(false);
  });
});

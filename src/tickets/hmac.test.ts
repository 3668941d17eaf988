import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256Hex, hmacSha256Matches } from './hmac.ts';

const body = Buffer.from('{"number":"CHG0030001"}');
const mac = createHmac('sha256', 's3cret').update(body);
const digest = mac.digest();

describe('hmacSha256Matches', () => {
  it.each([
    ['hex', `sha256=${digest.toString('hex')}`, true],
    ['upper-case hex and prefix', `SHA256=${digest.toString('hex').toUpperCase()}`, true],
    ['base64 (ServiceNow generateMac)', `sha256=${digest.toString('base64')}`, true],
    ['another secret', `sha256=${hmacSha256Hex('other', body)}`, false],
    ['no prefix', digest.toString('hex'), false],
    ['sha1 prefix', `sha1=${digest.toString('hex')}`, false],
    ['a truncated digest', `sha256=${digest.toString('hex').slice(0, 40)}`, false],
    ['garbage', 'sha256=not-a-digest', false],
  ])('%s → %s', (_name, signature, expected) => {
    expect(hmacSha256Matches('s3cret', body, signature)).toBe(expected);
  });

  it('notices one changed byte', () => {
    expect(hmacSha256Matches('s3cret', Buffer.from('{"number":"CHG0030002"}'), `sha256=${digest.toString('hex')}`)).toBe(false);
  });
});

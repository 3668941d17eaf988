import { describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS_HASH, hashEvent, sealEvent } from './hash-chain.ts';

/** Rebuilds objects with keys in jsonb's storage order (shorter keys first, then bytewise), as PostgreSQL returns them. */
const jsonbOrder = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(jsonbOrder);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, jsonbOrder((value as Record<string, unknown>)[k])]));
};
const roundTrip = (value: unknown) => jsonbOrder(JSON.parse(JSON.stringify(value)));

describe('canonicalJson', () => {
  it.each<[string, unknown, string]>([
    ['sorts keys recursively', { b: 1, a: { d: [{ z: 1, y: 2 }], c: null } }, '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}'],
    ['writes Dates as ISO strings', { at: new Date('2024-05-01T09:00:00.123Z') }, '{"at":"2024-05-01T09:00:00.123Z"}'],
    ['drops undefined-valued keys', { a: undefined, b: 2 }, '{"b":2}'],
    // eslint-disable-next-line no-sparse-arrays -- the hole is the case under test
    ['writes undefined and holes in arrays as null, like JSON.stringify', [1, undefined, , 3], '[1,null,null,3]'],
    ['writes non-finite numbers as null', { n: Number.NaN, i: Number.POSITIVE_INFINITY }, '{"i":null,"n":null}'],
    ['escapes strings like JSON', { 'k"ey': 'line\nbreak "q" \\ é' }, '{"k\\"ey":"line\\nbreak \\"q\\" \\\\ é"}'],
    ['handles scalars and empty containers', [true, false, 0, -1.5, '', {}, []], '[true,false,0,-1.5,"",{},[]]'],
  ])('%s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('does not depend on key insertion order', () => {
    const a = { actor: 'bob', data: { zeta: 1, alpha: [{ y: 1, x: 2 }], mid: { q: 1, p: 2 } }, seq: 3 };
    const b = { seq: 3, data: { mid: { p: 2, q: 1 }, alpha: [{ x: 2, y: 1 }], zeta: 1 }, actor: 'bob' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it('gives the same string after a jsonb round trip', () => {
    const data = { approve: true, comment: 'ok', n: 12, nested: { longer_key: [1, 'x', { bb: 1, a: 2 }], k: null }, when: new Date(0) };
    expect(JSON.stringify(roundTrip(data))).not.toBe(JSON.stringify(data)); // the round trip really reorders
    expect(canonicalJson(roundTrip(data))).toBe(canonicalJson(data));
  });

  it('refuses values that cannot be stored as JSON', () => {
    expect(() => canonicalJson({ n: 1n })).toThrow(/bigint/i);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
  });
});

describe('sealEvent and hashEvent', () => {
  const at = new Date('2024-05-01T09:00:00.000Z');
  const entry = { actor: 'bob', action: 'vote.cast', subject: 'CHG-7', data: { approve: true } };

  it('starts the chain at seq 1 from the genesis hash', () => {
    const first = sealEvent(null, entry, at);
    expect(first).toMatchObject({ seq: 1, at, actor: 'bob', action: 'vote.cast', subject: 'CHG-7', data: { approve: true }, prevHash: GENESIS_HASH });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.hash).toBe(hashEvent(first));
  });

  it('links each event to its predecessor', () => {
    const first = sealEvent(null, entry, at);
    const second = sealEvent(first, { actor: 'alice', action: 'change.approved', subject: 'CHG-7' }, at);
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash, data: {} });
  });

  it('covers every field, seq and prevHash included', () => {
    const event = sealEvent({ seq: 41, hash: 'a'.repeat(64) }, entry, at);
    for (const change of [
      { seq: 43 },
      { at: new Date(at.getTime() + 1) },
      { actor: 'eve' },
      { action: 'x' },
      { subject: 'CHG-8' },
      { data: { approve: false } },
      { prevHash: 'b'.repeat(64) },
    ]) {
      expect(hashEvent({ ...event, ...change })).not.toBe(event.hash);
    }
  });

  it('hashes the same after the event is stored and read back', () => {
    const event = sealEvent(null, { ...entry, data: { nested: { zz: 1, a: [1, { y: 2, x: 1 }] }, approve: true } }, at);
    const stored = { ...event, at: new Date(event.at.toISOString()), data: roundTrip(event.data) as Record<string, unknown> };
    expect(hashEvent(stored)).toBe(event.hash);
  });
});

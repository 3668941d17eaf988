import { describe, expect, it } from 'vitest';
import type { HostScan } from '../../discovery/patch.ts';
import { formatFreshness, freshnessOf, relativeTime } from './freshness.ts';

const now = new Date('2024-05-01T12:00:00Z');
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
const scan = (host: string, minutes: number, outcome: HostScan['outcome'] = 'ok'): HostScan => ({
  scanId: 'scan-1',
  host,
  outcome,
  startedAt: ago(minutes + 1),
  finishedAt: ago(minutes),
});

describe('relativeTime', () => {
  it.each([
    [0, 'just now'],
    [0.9, 'just now'],
    [1, '1 min ago'],
    [12, '12 min ago'],
    [59, '59 min ago'],
    [60, '1 h ago'],
    [125, '2 h ago'],
    [47 * 60, '47 h ago'],
    [48 * 60, '2 d ago'],
    [3 * 24 * 60 + 5, '3 d ago'],
    [-5, 'just now'], // a clock a little ahead is not "in 5 min"
  ])('%d min → %s', (minutes, text) => {
    expect(relativeTime(ago(minutes), now)).toBe(text);
  });
});

describe('formatFreshness', () => {
  const line = (hosts: string[], scans: HostScan[], lastSeen?: Map<string, Date>) => formatFreshness(freshnessOf(hosts, scans, lastSeen), now);

  it.each<[string, string[], HostScan[], string]>([
    ['one age', ['a', 'b'], [scan('a', 120), scan('b', 130)], 'from scans 2 h ago'],
    ['a range', ['a', 'b'], [scan('a', 12), scan('b', 3 * 24 * 60)], 'from scans 12 min – 3 d ago'],
    ['fresh', ['a'], [scan('a', 0)], 'from scans just now'],
    ['never scanned', ['a', 'b'], [scan('a', 5)], 'from scans 5 min ago; 1 host never scanned'],
    ['nothing yet', ['a'], [], 'no successful scan yet (run `scan`); 1 host never scanned'],
    ['no hosts', [], [], 'no hosts in the inventory'],
    ['only the hosts asked about', ['a'], [scan('a', 60), scan('z', 1, 'unreachable')], 'from scans 1 h ago'],
    [
      'unreachable, oldest attempt first, capped',
      ['a', 'w1', 'w2', 'w3'],
      [scan('a', 120), scan('w1', 60, 'unreachable'), scan('w2', 300, 'unreachable'), scan('w3', 10, 'unreachable')],
      'from scans 2 h ago; 3 hosts unreachable (w2 unreachable 5 h ago, w1 unreachable 1 h ago, +1 more)',
    ],
    ['failed', ['a', 'b'], [scan('a', 60), scan('b', 60, 'failed')], 'from scans 1 h ago; 1 host failed to scan (b failed 1 h ago)'],
    [
      'mixed',
      ['a', 'b', 'c'],
      [scan('a', 60), scan('b', 60, 'failed'), scan('c', 60, 'unreachable')],
      'from scans 1 h ago; 2 hosts could not be scanned (b failed 1 h ago, c unreachable 1 h ago)',
    ],
  ])('%s', (_name, hosts, scans, expected) => {
    expect(line(hosts, scans)).toBe(expected);
  });

  it('says the scope, not the inventory, is empty when a group has no hosts', () => {
    expect(formatFreshness(freshnessOf([], []), now, 'prod-db')).toBe('no hosts in prod-db');
    expect(formatFreshness(freshnessOf([], []), now)).toBe('no hosts in the inventory');
  });

  it('does not say "no successful scan yet" of hosts whose only latest scans failed', () => {
    expect(line(['web-03'], [scan('web-03', 120, 'failed')], new Map([['web-03', ago(300)]]))).toBe('1 host failed to scan (web-03 last seen 5 h ago)');
    expect(line(['a', 'b'], [scan('a', 60, 'unreachable')])).toBe('1 host unreachable (a unreachable 1 h ago); 1 host never scanned');
  });

  it('says when an unreachable host last reported data', () => {
    expect(line(['a', 'web-03'], [scan('a', 120), scan('web-03', 10, 'unreachable')], new Map([['web-03', ago(300)]]))).toBe(
      'from scans 2 h ago; 1 host unreachable (web-03 last seen 5 h ago)',
    );
  });

  it('counts hosts in thousands readably', () => {
    const hosts = Array.from({ length: 1500 }, (_, i) => `h${i}`);
    expect(line(hosts, [scan('h0', 5)])).toBe('from scans 5 min ago; 1,499 hosts never scanned');
  });
});

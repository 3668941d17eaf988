import { describe, expect, it } from 'vitest';
import { alignColumns } from './format-table.ts';
import { CSV_HEADER, csvField, writeReport } from './format.ts';
import type { HostCompliance } from './model.ts';
import { hostResult, overduePatch, render } from '../../test/support/compliance-fixtures.ts';

const hosts = () => [
  hostResult('db-02', 'overdue', {
    groups: ['prod-web', 'prod-db'],
    missing: { critical: 1, important: 0, moderate: 2, low: 0, unknown: 0 },
    oldestOverdue: overduePatch('DSA-5600-1', 12),
  }),
  hostResult('web-01', 'compliant'),
  hostResult('web-09', 'unknown', { lastScanOutcome: 'unreachable', unknownReason: 'unreachable' }),
];

describe('csv', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    [null, ''],
    [12, '12'],
  ] as const)('quotes %j as %j (RFC 4180)', (value, quoted) => {
    expect(csvField(value)).toBe(quoted);
  });

  it('writes a header and one CRLF-terminated row per host', async () => {
    const text = await render(hosts(), 'csv');
    const rows = text.split('\r\n');
    expect(rows.pop()).toBe('');
    expect(rows[0]).toBe(CSV_HEADER.join(','));
    expect(rows).toHaveLength(4);
    expect(rows[1]).toBe('db-02,prod-web;prod-db,overdue,,1,0,2,0,0,0,1,0,DSA-5600-1,12,2024-02-29T22:00:00.000Z,ok');
    expect(rows[3]).toMatch(/^web-09,prod-web,unknown,unreachable,0,0,0,0,0,0,0,0,,,[^,]+,unreachable$/);
  });
});

describe('streaming', () => {
  it('writes the CSV header before reading any host, and each page as it arrives', async () => {
    const events: string[] = [];
    async function* pages(): AsyncGenerator<HostCompliance[]> {
      events.push('read page 1');
      yield hosts().slice(0, 2);
      events.push('read page 2');
      yield hosts().slice(2);
    }
    await writeReport(
      () => Promise.reject(new Error('CSV has no overview')),
      pages(),
      'csv',
      (chunk) => void events.push(`wrote ${chunk.split('\r\n').filter(Boolean).length} line(s)`),
    );
    expect(events).toEqual(['wrote 1 line(s)', 'read page 1', 'wrote 2 line(s)', 'read page 2', 'wrote 1 line(s)']);
  });

  it('waits for a slow writer before reading on (back-pressure)', async () => {
    const events: string[] = [];
    async function* pages(): AsyncGenerator<HostCompliance[]> {
      for (const [i, page] of [hosts().slice(0, 1), hosts().slice(1)].entries()) {
        events.push(`read ${i}`);
        yield page;
      }
    }
    await writeReport(
      async () => Promise.reject(new Error('unused')),
      pages(),
      'csv',
      async (chunk) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push(`drained ${chunk.length > 0}`);
      },
    );
    expect(events).toEqual(['drained true', 'read 0', 'drained true', 'read 1', 'drained true']);
  });
});

describe('table', () => {
  it('aligns columns, numbers to the right', () => {
    expect(
      alignColumns(
        ['NAME', 'N'],
        [
          ['a', '5'],
          ['long-name', '12'],
        ],
        new Set([1]),
      ),
    ).toEqual(['NAME        N', 'a           5', 'long-name  12']);
  });

  it('shows the policy, the headline, groups and hosts', async () => {
    const text = await render(hosts(), 'table');
    expect(text).toContain('SLA compliance, all hosts, at 2024-03-01 00:00Z');
    expect(text).toContain('SLA: 1 of 3 hosts compliant; 1 overdue (oldest: DSA-5600-1 on db-02, 12 days late)');
    const lines = text.split('\n');
    const header = lines.find((l) => l.startsWith('HOST'))!;
    const db = lines.find((l) => l.startsWith('db-02'))!;
    // Every host row starts its STATUS cell where the header does.
    expect(db.indexOf('overdue')).toBe(header.indexOf('STATUS'));
    expect(db).toMatch(/DSA-5600-1\s+12\s+2024-02-29 22:00Z$/);
    expect(lines.find((l) => l.startsWith('web-09'))).toMatch(/unknown \(unreachable\).*\(unreachable\)$/);
    expect(lines.find((l) => l.startsWith('prod-web'))).toMatch(/prod-web\s+3\s+33.3%\s+0\s+1\s+1\s+overdue\s+DSA-5600-1 on db-02 \(12 d\)/);
  });
});

describe('json', () => {
  it('is the report itself, dates as ISO strings', async () => {
    const parsed = JSON.parse(await render(hosts(), 'json')) as { generatedAt: string; hosts: { host: string; oldestOverdue: { dueAt: string } | null }[] };
    expect(parsed.generatedAt).toBe('2024-03-01T00:00:00.000Z');
    expect(parsed.hosts.map((h) => h.host)).toEqual(['db-02', 'web-01', 'web-09']);
    expect(parsed.hosts[0]!.oldestOverdue?.dueAt).toBe('2024-02-18T00:00:00.000Z');
  });

  it('streamed a page at a time, it is what JSON.stringify gives for the whole report', async () => {
    const text = await render(hosts(), 'json');
    const whole = JSON.parse(text) as Record<string, unknown>;
    expect(text).toBe(`${JSON.stringify(whole, null, 2)}\n`);
    const empty = await render([], 'json');
    expect(JSON.parse(empty)).toMatchObject({ hosts: [] });
    expect(empty).toBe(`${JSON.stringify(JSON.parse(empty), null, 2)}\n`);
  });
});

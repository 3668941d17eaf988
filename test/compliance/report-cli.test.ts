import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, writeConfig } from '../support/cli.ts';
import { platform } from '../support/platform.ts';
import { CSV_HEADER } from '../../src/compliance/format.ts';
import { seedComplianceEstate } from '../support/compliance-estate.ts';

/** `patchbot report compliance` end to end: a real embedded store on disk, seeded, then the CLI in process. */
describe('patchbot report compliance', () => {
  let config: string;
  beforeAll(async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'patchbot-report-')), 'data');
    // The composition root's platform: the same store code the CLI opens, without importing adapters here.
    const handle = await platform.openStore(`pglite://${dir}`, { migrate: true });
    try {
      await seedComplianceEstate(handle.store, new Date());
    } finally {
      await handle.close();
    }
    config = writeConfig(`store:\n  url: pglite://${dir}\n`);
  });
  const report = (...args: string[]) => cli(['report', 'compliance', ...args, '--config', config]);

  it('prints an aligned table and exits 0 even with overdue hosts', async () => {
    const result = await report();
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^SLA compliance, all hosts, at /);
    expect(result.stdout).toContain('SLA: 2 of 6 hosts compliant (1 at risk); 1 overdue (oldest: DSA-5600-1 on db-01, 33 days late); 3 unknown (new-01 never scanned, +2 more)');
    expect(result.stdout).toMatch(/\ndb-01 +prod-db +overdue +1 +0 +0 +0 +1 +DSA-5600-1 +33 +\d{4}-\d\d-\d\d \d\d:\d\dZ\n/);
  });

  it('writes RFC 4180 CSV, one row per host', async () => {
    const result = await report('--format', 'csv');
    expect(result.code).toBe(0);
    const rows = result.stdout
      .split('\r\n')
      .filter(Boolean)
      .map((r) => r.split(','));
    expect(rows[0]).toEqual([...CSV_HEADER]);
    expect(rows.slice(1).map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      ['db-01', 'prod-db', 'overdue', ''],
      ['new-01', '', 'unknown', 'never-scanned'],
      ['old-01', 'prod-db', 'unknown', 'stale'],
      ['web-01', 'prod-web', 'compliant', ''],
      ['web-02', 'prod-web', 'at-risk', ''],
      ['web-09', 'prod-web', 'unknown', 'unreachable'],
    ]);
    expect(rows[1]!.slice(12, 14)).toEqual(['DSA-5600-1', '33']);
  });

  it('writes JSON, scoped to a group and read through PCI', async () => {
    const result = await report('--format', 'json', '--group', 'prod-web', '--framework', 'pci');
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { scope: string; policy: { framework: string }; hosts: { host: string; status: string }[] };
    expect(parsed).toMatchObject({ scope: 'prod-web', policy: { framework: 'pci' } });
    expect(parsed.hosts.map((h) => [h.host, h.status])).toEqual([
      ['web-01', 'compliant'],
      ['web-02', 'overdue'],
      ['web-09', 'unknown'],
    ]);
  });

  it('--fail-on exits 1 when a host has a listed status, 0 otherwise', async () => {
    const overdue = await report('--format', 'csv', '--fail-on', 'overdue');
    expect(overdue.code).toBe(1);
    expect(overdue.stderr).toContain('1 host(s) overdue: db-01 (overdue)');
    expect(overdue.stdout).toContain('db-01,prod-db,overdue');
    expect((await report('--group', 'prod-web', '--fail-on', 'overdue')).code).toBe(0);
    expect((await report('--group', 'prod-web', '--fail-on', 'overdue,unknown')).code).toBe(1);
  });

  it.each([
    [['report', 'frobs'], 'unknown report "frobs"; available: compliance'],
    [['report'], 'expected 1 argument(s), got 0'],
    [['report', 'compliance', '--format', 'xml'], '--format takes table, csv, json (got xml)'],
    [['report', 'compliance', '--framework', 'sox'], '--framework takes pci, hipaa (got sox)'],
    [['report', 'compliance', '--fail-on', 'late'], '--fail-on takes overdue, unknown, at-risk (got late)'],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const result = await cli([...argv, '--config', config]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain(message);
  });

  it('an unknown group exits 1 with suggestions', async () => {
    const result = await report('--group', 'prod-wbe');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No group named prod-wbe\. Did you mean .*prod-web/);
  });
});

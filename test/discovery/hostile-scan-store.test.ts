import { afterEach, describe, expect, it } from 'vitest';
import type { OpenedStore } from '../../adapters/postgres/open-store.ts';
import { freshPglite } from '../support/engines.ts';
import type { HostScan, Patch } from '../../src/discovery/patch.ts';
import { MAX_CVE_LENGTH, MAX_CVES, MAX_OS_NAME, MAX_TITLE, MAX_WARNING } from '../../src/discovery/patch-bounds.ts';
import { parseWindowsScan } from '../../src/discovery/parsers/windows.ts';
import { formatSections } from '../../src/discovery/parsers/sections.ts';
import { ScanWriter } from '../../src/discovery/scan-writer.ts';

/**
 * Review finding 3: what a hostile host reports must not reach the shared catalog unbounded, whether
 * it comes through a parser or straight to the writer. The real ScanWriter on a PGlite store.
 */
const at = new Date('2024-06-01T00:00:00Z');
// eslint-disable-next-line no-control-regex -- the test looks for control characters
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
const ESC = '\u001b]52;c;ZXZpbA==\u0007\u001b[2K\u009b32m';
const cve = (n: number) => `CVE-2024-${String(10000 + n)}`;

const opened: OpenedStore[] = [];
afterEach(async () => {
  while (opened.length) await opened.pop()!.store.close();
});

const ok = (scanId: string, host: string, over: Partial<HostScan> = {}): HostScan => ({
  scanId,
  host,
  outcome: 'ok',
  startedAt: at,
  finishedAt: at,
  rebootRequired: false,
  osName: 'Windows',
  installed: [],
  missingCount: 1,
  warnings: [],
  ...over,
});
const written = (scanId: string, result: HostScan, patches: Patch[]) => ({ result, patches, findings: patches.map((p) => ({ patchId: p.id, state: 'missing' as const })) });

describe('a hostile scan on the real writer and store', () => {
  it('stores nothing over the bounds, from a parsed hostile scan or from raw patches, across hosts', async () => {
    const fresh = await freshPglite();
    opened.push(fresh);
    const { store } = fresh;
    await store.scans.start('s1', 'test', ['evil-1', 'evil-2', 'evil-3'], at);
    const writer = new ScanWriter(store, { maxDelayMs: 1, storedPatches: new Map(), now: () => at });

    // Host 1 through the Windows parser: a 1 MB title with escape codes, 300 CVEs and one of 100,000 characters.
    const doc = {
      os: `Windows ${ESC}`,
      installed: [],
      missing: [
        {
          Title: `${ESC}${'T'.repeat(1_000_000)}`,
          KB: ['KB5034441'],
          Severity: 'Critical',
          RebootRequired: true,
          CVEs: [...Array.from({ length: 300 }, (_, i) => cve(i)), `CVE-2024-${'9'.repeat(100_000)}`],
        },
      ],
      rebootPending: false,
    };
    const parsed = parseWindowsScan('evil-1', formatSections([['windows-json', JSON.stringify(doc)]]));
    const fromParser: Patch[] = parsed.patches.map((p) => ({ id: p.id, title: p.title, severity: p.severity, security: p.security, cves: p.cves, rebootHint: p.rebootHint, firstSeen: at }));
    await writer.record(written('s1', ok('s1', 'evil-1', { osName: parsed.os, warnings: parsed.warnings }), fromParser));

    // Host 2 skips the parsers (any other source): raw giant values, 300 other CVEs, a new patch too.
    const raw = (id: string, from: number): Patch => ({
      id,
      title: `${ESC}${'R'.repeat(2_000_000)}`,
      severity: 'critical',
      security: true,
      cves: [...Array.from({ length: 300 }, (_, i) => cve(from + i)), `CVE-2024-${'8'.repeat(1_000_000)}`, 'CVE-2024-1'],
      rebootHint: true,
      firstSeen: at,
    });
    const hostile = ok('s1', 'evil-2', { osName: `${ESC}${'O'.repeat(100_000)}`, warnings: [`${ESC}${'W'.repeat(100_000)}`], error: `${ESC} boom` });
    await writer.record(written('s1', hostile, [raw('KB5034441', 1000), raw('KB5034442', 2000)]));
    // Host 3, a second writer (another replica: nothing cached), adds yet more CVEs to the full list.
    const replica = new ScanWriter(store, { maxDelayMs: 1, storedPatches: new Map(), now: () => at });
    await replica.record(written('s1', ok('s1', 'evil-3'), [raw('KB5034441', 3000)]));

    const patches = await store.patches.list();
    expect(patches.map((p) => p.id)).toEqual(['KB5034441', 'KB5034442']);
    for (const p of patches) {
      expect(p.title.length).toBeLessThanOrEqual(MAX_TITLE);
      expect(p.title).not.toMatch(CONTROL);
      expect(p.cves.length).toBeLessThanOrEqual(MAX_CVES);
      for (const c of p.cves) expect(c.length).toBeLessThanOrEqual(MAX_CVE_LENGTH);
    }
    const [first, second] = patches;
    // The first report's title and CVEs stay; later hosts found the list full.
    expect(first!.title).toBe(`]52;c;ZXZpbA==[2K32m${'T'.repeat(MAX_TITLE - 21)}…`);
    expect(first!.cves).toEqual(Array.from({ length: MAX_CVES }, (_, i) => cve(i)));
    expect(second!.title).toHaveLength(MAX_TITLE);
    expect(second!.cves).toEqual(Array.from({ length: MAX_CVES }, (_, i) => cve(2000 + i)));

    const results = await store.scans.results('s1');
    for (const r of results) {
      expect((r.osName ?? '').length).toBeLessThanOrEqual(MAX_OS_NAME);
      for (const s of [r.osName ?? '', r.error ?? '', ...(r.warnings ?? [])]) expect(s).not.toMatch(CONTROL);
      for (const w of r.warnings ?? []) expect(w.length).toBeLessThanOrEqual(MAX_WARNING);
    }
    expect(results.find((r) => r.host === 'evil-1')?.warnings).toEqual([
      `missing[0].CVEs: ignored "CVE-2024-${'9'.repeat(71)}…", which is not a CVE id`,
      'KB5034441 lists 300 CVEs; kept the first 200',
      'clipped to 500 characters the title of KB5034441',
      'removed control characters (terminal escape codes, text-direction overrides) from the text of the OS name, KB5034441',
    ]);
  });
});

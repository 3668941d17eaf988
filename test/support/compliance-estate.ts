import type { HostScan } from '../../src/discovery/patch.ts';
import type { Host } from '../../src/inventory/host.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import { DAY_MS } from '../../src/compliance/policy.ts';

/**
 * A small estate for the store-backed and CLI tests, seeded through the repositories with chosen
 * times relative to `now`. Expected outcomes under the default SLA (7/30/90/180 days):
 * - web-01  compliant  (DSA-5600-1 installed by the last scan, KB5034441 excluded)
 * - web-02  at-risk    (USN-6600-1 important, missing here since now-28d, pending reboot; the estate saw it at now-35d)
 * - db-01   overdue    (DSA-5600-1 critical since now-40d: 33 days late; plus a non-security update of unknown severity)
 * - web-09  unknown    (unreachable at the last scan; DSA-5600-1 was missing before)
 * - old-01  unknown    (last scanned now-28d: stale)
 * - new-01  unknown    (never scanned)
 * Groups: prod-web (web-01, web-02, web-09), prod-db (selector role=db: db-01, old-01), dr (empty).
 */
export const seedComplianceEstate = async (store: PatchbotStore, now: Date): Promise<void> => {
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY_MS);
  const host = (name: string, groups: string[], tags: Record<string, string> = {}): Host => ({
    name,
    address: '10.0.0.1',
    port: 22,
    user: 'root',
    os: 'debian',
    groups,
    tags,
    connection: 'ssh',
  });
  await store.hosts.sync([
    host('web-01', ['prod-web']),
    host('web-02', ['prod-web']),
    host('web-09', ['prod-web']),
    host('db-01', [], { role: 'db' }),
    host('old-01', [], { role: 'db' }),
    host('new-01', []),
  ]);
  await store.groups.sync([
    { name: 'prod-web', production: true },
    { name: 'prod-db', selector: { tags: { role: 'db' } }, production: true },
    { name: 'dr', members: [], production: false },
  ]);
  await store.patches.upsert([
    { id: 'DSA-5600-1', title: 'openssl security update', severity: 'critical', security: true, cves: ['CVE-2024-0727'], rebootHint: false, firstSeen: at(40) },
    { id: 'USN-6600-1', title: 'curl vulnerabilities', severity: 'important', security: true, cves: [], rebootHint: true, firstSeen: at(35) },
    { id: 'KB5034441', title: 'Windows Recovery Environment update', severity: 'important', security: true, cves: [], rebootHint: true, firstSeen: at(40) },
    { id: 'deb:tzdata@2024a-0+deb12u1', title: 'tzdata', severity: 'unknown', security: false, cves: [], rebootHint: false, firstSeen: at(40) },
  ]);

  const scan = async (scanId: string, daysAgo: number, results: Record<string, HostScan['outcome']>) => {
    await store.scans.start(scanId, 'test', Object.keys(results), at(daysAgo));
    for (const [name, outcome] of Object.entries(results)) {
      await store.scans.recordHost({ scanId, host: name, outcome, startedAt: at(daysAgo), finishedAt: at(daysAgo) });
    }
  };
  const missing = (...ids: string[]) => ids.map((patchId) => ({ patchId, state: 'missing' as const }));

  await scan('s1', 40, { 'web-01': 'ok', 'web-02': 'ok', 'db-01': 'ok', 'web-09': 'ok' });
  for (const name of ['web-01', 'web-02', 'web-09']) await store.findings.record('s1', name, missing('DSA-5600-1'), at(40));
  await store.findings.record('s1', 'db-01', missing('DSA-5600-1', 'deb:tzdata@2024a-0+deb12u1'), at(40));

  await scan('s2', 28, { 'web-02': 'ok', 'old-01': 'ok' });
  await store.findings.record('s2', 'web-02', missing('DSA-5600-1', 'USN-6600-1'), at(28));
  await store.findings.record('s2', 'old-01', [], at(28));

  // The last scan, an hour ago: web-01 and web-02 patched DSA-5600-1 (absent means installed).
  await scan('s3', 1 / 24, { 'web-01': 'ok', 'web-02': 'ok', 'db-01': 'ok', 'web-09': 'unreachable' });
  await store.findings.record('s3', 'web-01', [{ patchId: 'KB5034441', state: 'excluded' }], at(1 / 24));
  await store.findings.record('s3', 'web-02', [{ patchId: 'USN-6600-1', state: 'pending-reboot' }], at(1 / 24));
  await store.findings.record('s3', 'db-01', missing('DSA-5600-1', 'deb:tzdata@2024a-0+deb12u1'), at(1 / 24));
};

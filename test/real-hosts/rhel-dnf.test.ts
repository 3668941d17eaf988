import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDnfScan } from '../../src/discovery/parsers/dnf.ts';
import type { ParsedPatch } from '../../src/discovery/parsers/scan-result.ts';
import { findingOf } from '../../src/discovery/scan-host.ts';
import { scanFailure, scanStdout } from '../../src/playbooks/run-scan.ts';
import { type FreshStore, openFresh } from '../support/engines.ts';
import { freePort } from '../support/postgres-cluster.ts';
import { realHostSkipReason } from '../support/real-hosts/chroot-host.ts';
import { waitingForIssue13 } from '../support/real-hosts/issue-13.ts';
import { explain, hostRunner } from '../support/real-hosts/host-runner.ts';
import { type RhelHost, REPO_FILE, repoFile, startRhelHost } from '../support/real-hosts/rhel-host.ts';
import { ADVISORIES, BASE, evrOf, nevraOf, rpm, UPDATES } from '../support/real-hosts/rhel-packages.ts';
import { sshdSkipReason } from '../support/sshd.ts';

/**
 * Issue #16: the RHEL playbooks and the dnf parser against real dnf 4 and rpm (a "RHEL 9.4" host
 * built by test/support/real-hosts/rhel-host.ts: real rpms, a createrepo_c repository, Red Hat
 * style advisories added with modifyrepo_c), over real SSH with the host key checked.
 */
const skip = sshdSkipReason() ?? realHostSkipReason('rhel-dnf');
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'scans');

describe.skipIf(skip !== null)('scan-rhel, apply-rhel-advisories and their rollback on real dnf', () => {
  let host: RhelHost;
  let runner: Awaited<ReturnType<typeof hostRunner>>;
  const installed = () => host.sh("rpm -qa --qf '%{NAME}-%{EPOCHNUM}:%{VERSION}-%{RELEASE}.%{ARCH}\\n' | sort").trim().split('\n');
  const scan = async () => {
    const run = await runner.run('scan-rhel');
    expect(run.ok, explain(run)).toBe(true);
    return { stdout: scanStdout(run), parsed: parseDnfScan('rhel-01', scanStdout(run)) };
  };

  beforeAll(async () => {
    host = await startRhelHost('rhel-01');
    runner = await hostRunner(host);
  }, 300_000);
  let opened: FreshStore | undefined;
  afterAll(async () => {
    await opened?.store.close();
    await runner?.close();
    await host?.stop();
  });

  it('finds exactly what dnf updateinfo list and dnf check-update report, with severities, CVEs and the plain updates', async () => {
    const { stdout, parsed } = await scan();
    // What a person typing the commands on the host sees.
    const updateinfo = host
      .sh('dnf -q updateinfo list --updates')
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    const checkUpdate = host.try('dnf -q check-update');
    expect(checkUpdate.code).toBe(100);
    const offered = checkUpdate.stdout
      .split('Obsoleting Packages')[0]!
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    const obsoleting = checkUpdate.stdout
      .split('Obsoleting Packages')[1]!
      .trim()
      .split('\n')
      .filter((l) => !/^\s/.test(l))
      .map((l) => l.trim().split(/\s+/));

    const advisories = parsed.patches.filter((p) => !p.id.startsWith('rpm:'));
    expect(advisories.map((p) => p.id).sort()).toEqual([...new Set(updateinfo.map(([id]) => id!))].sort());
    for (const [id, type, nevra] of updateinfo) {
      const patch = advisories.find((p) => p.id === id)!;
      expect(patch.packages.map((p) => `${p.name}-${p.candidate}.${p.arch}`)).toContain(nevra);
      expect(patch.severity).toBe({ 'Critical/Sec.': 'critical', 'Important/Sec.': 'important', 'Moderate/Sec.': 'moderate', 'Low/Sec.': 'low', bugfix: 'low' }[type!]);
    }
    const plain = parsed.patches.filter((p) => p.id.startsWith('rpm:'));
    const covered = new Set(advisories.flatMap((p) => p.packages.map((q) => q.name)));
    expect(plain.map((p) => p.id).sort()).toEqual(
      [...offered, ...obsoleting]
        .filter(([na]) => !covered.has(na!.replace(/\.x86_64$/, '')))
        .map(([na, evr]) => `rpm:${na!.replace(/\.x86_64$/, '')}@${evr}`)
        .sort(),
    );

    // And what the repository was built to offer (test/support/real-hosts/rhel-packages.ts).
    expect(parsed.os).toBe('Red Hat Enterprise Linux 9.4 (Plow)');
    expect(Object.fromEntries(parsed.patches.map((p) => [p.id, [p.severity, p.security, p.packages.map((q) => `${q.name}@${q.candidate}`).join(' ')]]))).toEqual({
      'RHSA-2024:3061': ['important', true, 'openssl@1:3.0.7-28.el9_4 openssl-libs@1:3.0.7-28.el9_4'],
      'RHSA-2024:4051': ['critical', true, 'curl@7.76.1-29.el9_4.1'],
      'RHSA-2024:3618': ['moderate', true, 'kernel-core@5.14.0-427.20.1.el9_4'],
      'RHSA-2024:3850': ['low', true, 'sudo@1.9.5p2-10.el9_4.1'],
      'RHBA-2024:4712': ['low', false, 'tzdata@2024b-2.el9'],
      // Real dnf does not list RHBA-2024:4800 under --updates: its package is not installed, it
      // obsoletes one that is. check-update offers it under "Obsoleting Packages".
      'rpm:newtool@2.0-1.el9': ['low', false, 'newtool@2.0-1.el9'],
      'rpm:zlib@1.2.11-41.el9': ['low', false, 'zlib@1.2.11-41.el9'],
    });
    // What the host runs of each, as rpm -q says it: the versions it was built with; none of newtool.
    const runs = (name: string) => host.try(`rpm -q --qf '%{EPOCHNUM}:%{VERSION}-%{RELEASE}' ${name}`);
    for (const p of parsed.patches.flatMap((q) => q.packages)) {
      const asked = runs(p.name);
      expect([p.name, p.installed]).toEqual([p.name, asked.code === 0 ? asked.stdout.replace(/^0:/, '') : null]);
    }
    expect(parsed.patches.find((p) => p.id === 'rpm:zlib@1.2.11-41.el9')?.packages[0]?.installed).toBe('1.2.11-40.el9');
    expect(parsed.patches.find((p) => p.id === 'RHSA-2024:3061')?.cves.sort()).toEqual(['CVE-2023-6129', 'CVE-2024-0727']);
    expect(parsed.patches.find((p) => p.id === 'RHSA-2024:3618')?.rebootHint).toBe(true);
    expect(parsed.rebootRequired).toBe(false);
    expect(parsed.warnings).toEqual([]);

    // The committed fixture is this very output, named after the dnf that printed it.
    const fixture = join(FIXTURES, `rhel9-dnf-${host.sh('dnf --version').split('\n')[0]!.trim()}-scan.txt`);
    // PATCHBOT_CAPTURE_FIXTURES=1 writes it instead (a new dnf version): review the diff before committing.
    if (process.env.PATCHBOT_CAPTURE_FIXTURES === '1') writeFileSync(fixture, stdout);
    expect(stdout).toBe(readFileSync(fixture, 'utf8'));
  }, 120_000);

  it('an unreachable repository fails the scan with dnf’s reason, even where dnf.conf says skip_if_unavailable=True', async () => {
    const closed = await freePort();
    const conf = host.sh('cat /etc/dnf/dnf.conf');
    try {
      writeFileSync(host.file(REPO_FILE.slice(1)), repoFile(`http://127.0.0.1:${closed}/rhel9/`));
      for (const skipSetting of ['False', 'True']) {
        host.sh(`sed -i 's/^skip_if_unavailable=.*/skip_if_unavailable=${skipSetting}/' /etc/dnf/dnf.conf`);
        const run = await runner.run('scan-rhel');
        expect(run.ok, skipSetting).toBe(false);
        expect(scanFailure(run)?.message).toMatch(/^rhel-01: scan-rhel, step "scan": exited with 1: Error: Failed to download metadata for repo 'rhel-9-baseos'/);
      }
    } finally {
      writeFileSync(host.file('etc/dnf/dnf.conf'), conf);
      writeFileSync(host.file(REPO_FILE.slice(1)), repoFile('file:///srv/repo'));
    }
  }, 120_000);

  it('corrupt repodata fails the scan: on a host without cached metadata, and on one whose cache the refresh finds outdated', async () => {
    await scan();
    const repomd = host.file('srv/repo/repodata/repomd.xml');
    const primary = host.file(host.sh('ls /srv/repo/repodata/*-primary.xml.gz').trim().slice(1));
    const good = { repomd: readFileSync(repomd), primary: readFileSync(primary) };
    try {
      // A primary.xml.gz that does not match its checksum, on a host that has no cache (dnf clean all).
      const bad = Buffer.from(good.primary);
      bad.write('not gzip at all', 20);
      writeFileSync(primary, bad);
      host.sh('dnf clean all >/dev/null');
      const fresh = await runner.run('scan-rhel');
      expect(fresh.ok).toBe(false);
      expect(scanFailure(fresh)?.message).toMatch(/exited with 1: Error: Failed to download metadata for repo 'rhel-9-baseos'/);
      writeFileSync(primary, good.primary);

      // A host with good metadata cached, then a repomd.xml that is not XML: the scan's refresh reads it and fails.
      expect((await scan()).parsed.patches).toHaveLength(7);
      writeFileSync(repomd, '<repomd><data type="primary"><location href=');
      const cached = await runner.run('scan-rhel');
      expect(cached.ok).toBe(false);
      expect(scanFailure(cached)?.message).toMatch(/exited with 1: Error: Failed to download metadata for repo 'rhel-9-baseos'/);
    } finally {
      writeFileSync(repomd, good.repomd);
      writeFileSync(primary, good.primary);
    }
    expect((await scan()).parsed.patches).toHaveLength(7);
  }, 120_000);

  it('applies exactly the approved advisories’ packages; the rescan agrees; the rollback restores the recorded NEVRAs', async () => {
    const before = installed();
    expect(before).toEqual(BASE.map(nevraOf).sort());
    const applied = await runner.run('apply-rhel-advisories', { advisories: ['RHSA-2024:3061', 'RHBA-2024:4712'], change: 'rhel-a' });
    expect(applied.ok, explain(applied)).toBe(true);
    const changed = ['openssl', 'openssl-libs', 'tzdata'];
    const want = BASE.map((p) => (changed.includes(p.name) ? UPDATES.find((u) => u.name === p.name)! : p));
    expect(installed()).toEqual(want.map(nevraOf).sort());

    const rescan = (await scan()).parsed.patches.map((p) => p.id).sort();
    expect(rescan).toEqual(['RHSA-2024:3618', 'RHSA-2024:3850', 'RHSA-2024:4051', 'rpm:newtool@2.0-1.el9', 'rpm:zlib@1.2.11-41.el9']);

    const undone = await runner.run('apply-rhel-advisories', { advisories: ['RHSA-2024:3061', 'RHBA-2024:4712'], change: 'rhel-a' }, true);
    expect(undone.ok, explain(undone)).toBe(true);
    expect(installed()).toEqual(before);
    expect((await scan()).parsed.patches).toHaveLength(7);
  }, 300_000);

  it.skipIf(waitingForIssue13() !== null)(
    'rolls back after dnf clean all with the old version gone from the repository: the rpms the change saved are enough',
    async () => {
      const before = installed();
      const curl = BASE.find((p) => p.name === 'curl')!;
      const applied = await runner.run('apply-rhel-advisories', { advisories: ['RHSA-2024:4051'], change: 'rhel-b' });
      expect(applied.ok, explain(applied)).toBe(true);
      expect(host.sh("rpm -q --qf '%{EPOCHNUM}:%{VERSION}-%{RELEASE}' curl")).toBe(`0:${evrOf(UPDATES.find((u) => u.name === 'curl')!)}`);
      // The mirror drops the superseded build and the host cleans its cache.
      host.sh(`rm /srv/repo/curl-${curl.version}-${curl.release}.x86_64.rpm`);
      host.rebuildRepo();
      expect(host.try(`dnf -q --showduplicates list curl-${evrOf(curl)}`).code).not.toBe(0);

      const undone = await runner.run('apply-rhel-advisories', { advisories: ['RHSA-2024:4051'], change: 'rhel-b' }, true);
      expect(undone.ok, explain(undone)).toBe(true);
      expect(installed()).toEqual(before);
    },
    300_000,
  );

  it.skipIf(waitingForIssue13() !== null)(
    'installs the advisory’s own NEVRAs, not a newer build the repository offers besides',
    async () => {
      const before = installed();
      // A later openssl build without an advisory: `dnf upgrade --advisory` alone would install it.
      const newer = [rpm('openssl', '1:3.0.7-29.el9_4', { requires: ['openssl-libs = 1:3.0.7-29.el9_4'] }), rpm('openssl-libs', '1:3.0.7-29.el9_4')];
      host.publish(newer);
      const applied = await runner.run('apply-rhel-advisories', { advisories: ['RHSA-2024:3061'], change: 'rhel-c' });
      expect(applied.ok, explain(applied)).toBe(true);
      const fixed = UPDATES.filter((u) => u.name.startsWith('openssl'));
      expect(installed()).toEqual(
        before
          .map((n) => fixed.find((u) => n.startsWith(`${u.name}-${u.epoch}:`)) ?? n)
          .map((p) => (typeof p === 'string' ? p : nevraOf(p)))
          .sort(),
      );
    },
    300_000,
  );

  it('tells a plain update the host installed before the mirror moved on from one the mirror replaced first: rpm -q’s versions through the store', async () => {
    const zlib = (patches: ParsedPatch[]) => patches.filter((p) => p.id.startsWith('rpm:zlib@')).map((p) => [p.id, p.packages.map((k) => k.installed)]);
    opened = await openFresh('pglite');
    const { store } = opened;
    const record = async (n: number) => {
      const { parsed } = await scan();
      await store.patches.upsert(
        parsed.patches.map((p) => ({ ...p, firstSeen: new Date(Date.UTC(2026, 10, n)) })),
        `s${n}`,
      );
      await store.findings.record(`s${n}`, 'rhel-01', parsed.patches.map(findingOf), new Date(Date.UTC(2026, 10, n)));
      return parsed.patches;
    };
    const states = async () => (await store.findings.byHost('rhel-01')).filter((f) => f.patchId.startsWith('rpm:zlib@')).map((f) => [f.patchId, f.state, f.supersededBy ?? null]);

    expect(zlib(await record(1))).toEqual([['rpm:zlib@1.2.11-41.el9', ['1.2.11-40.el9']]]);
    // The host installs -41, then the mirror publishes -42: -41 was installed.
    host.sh('dnf -y -q upgrade zlib');
    host.publish([rpm('zlib', '1.2.11-42.el9')]);
    expect(zlib(await record(2))).toEqual([['rpm:zlib@1.2.11-42.el9', ['1.2.11-41.el9']]]);
    // The mirror replaces -42 by -43 before the host gets it: -42 was superseded.
    host.publish([rpm('zlib', '1.2.11-43.el9')]);
    expect(zlib(await record(3))).toEqual([['rpm:zlib@1.2.11-43.el9', ['1.2.11-41.el9']]]);
    expect(await states()).toEqual([
      ['rpm:zlib@1.2.11-41.el9', 'installed', null],
      ['rpm:zlib@1.2.11-42.el9', 'superseded', 'rpm:zlib@1.2.11-43.el9'],
      ['rpm:zlib@1.2.11-43.el9', 'missing', null],
    ]);
  }, 300_000);

  it('the advisory list the apply playbook takes is the scan’s: every advisory id it found is accepted', () => {
    for (const a of ADVISORIES) expect(a.id).toMatch(/^(RH[SBE]A-[0-9]{4}:[0-9]{1,6})$/);
  });
});

if (skip) console.warn(`[skip] real RHEL (dnf) host tests: ${skip}`);

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChrootHost, realHostSkipReason, startChrootHost } from '../support/real-hosts/chroot-host.ts';
import { waitingForIssue13 } from '../support/real-hosts/issue-13.ts';
import { aptSaysMissing, installedVersion, pickSecurityUpdate } from '../support/real-hosts/debian-apt.ts';
import { type Estate, startEstate } from '../support/real-hosts/service-estate.ts';
import { sshdSkipReason } from '../support/sshd.ts';
import { until } from '../support/until.ts';

/**
 * Issue #16: the Debian apply path on a real Debian 12 system — debootstrapped from the point
 * release by scripts/build-test-hosts.sh, with bookworm-security and bookworm-updates in its
 * sources, so what it is missing are real Debian security updates with real versions, real
 * maintainer scripts and real dpkg. The service scans it over real SSH (host key checked),
 * a person proposes one of those updates, another approves, the shipped playbooks run with
 * dryRun off, and the rescans say what the host's own dpkg says.
 *
 * Nothing about the updates is written into this test: the update to approve is picked from
 * what the host is missing today (a library leaf if there is one), its versions read from apt.
 */
const skip = sshdSkipReason() ?? realHostSkipReason('debian-bookworm');

describe.skipIf(skip !== null)('a real Debian bookworm host through the service', () => {
  let host: ChrootHost;
  let estate: Estate;
  let change: string;
  let update: { pkg: string; before: string; after: string; patchId: string };

  beforeAll(async () => {
    host = await startChrootHost('debian-bookworm', 'deb-01', 'debian', ['real']);
    estate = await startEstate([host]);
  }, 300_000);
  afterAll(async () => {
    await estate?.stop();
    await host?.stop();
  });

  it('scans it: the stored findings are exactly what apt-get -s dist-upgrade says inside it', async () => {
    await estate.scan(['deb-01']);
    const missing = (await estate.findings('deb-01'))
      .filter((f) => f.state === 'missing')
      .map((f) => f.patchId)
      .sort();
    const expected = aptSaysMissing(host);
    expect(expected.length, 'the point release should be missing some security updates').toBeGreaterThan(0);
    expect(missing).toEqual(expected);
    update = pickSecurityUpdate(host);
    expect(missing).toContain(update.patchId);
  }, 300_000);

  it('proposed, approved and run for real: exactly the approved version is installed, and the rescan says so', async () => {
    const proposed = await estate.ask('alice', `propose ${update.patchId} to real at always`);
    expect(proposed.error).toBeUndefined();
    change = String(proposed.data?.change);
    const approved = await estate.ask('dave', `approve ${change}`);
    expect(approved.error).toBeUndefined();
    await until(`${change} to complete`, async () => ['completed', 'halted', 'failed'].includes((await estate.stateOf(change)) ?? '') && estate.stateOf(change), 600_000);
    expect(await estate.stateOf(change)).toBe('completed');

    expect(installedVersion(host, update.pkg)).toBe(update.after);
    const finding = (await estate.findings('deb-01')).find((f) => f.patchId === update.patchId);
    expect(finding?.state).toBe('installed');
    const runs = await estate.runtime.store.rollouts.runs(change);
    expect(runs.map((r) => [r.host, r.state])).toEqual([['deb-01', 'verified']]);
  }, 600_000);

  it.skipIf(waitingForIssue13() !== null)(
    'rolls back after apt-get clean, with the archive no longer offering the old version: the recorded version is back',
    async () => {
      // The host cleans its cache, and the old version leaves the archive (as a superseded
      // security update does): only what the change saved for itself can bring it back.
      host.sh('apt-get clean');
      const sources = host.sh('cat /etc/apt/sources.list');
      host.sh("sed -i '/ bookworm main$/d' /etc/apt/sources.list && apt-get update -qq");
      expect(host.try(`apt-get download --print-uris ${update.pkg}=${update.before}`).code).not.toBe(0);
      try {
        const rolled = await estate.ask('alice', `rollback ${change}`);
        expect(rolled.error).toBeUndefined();
        const rollbackId = String(rolled.data?.rollback ?? rolled.data?.change);
        await until(`${rollbackId} to finish`, async () => ['completed', 'halted', 'failed'].includes((await estate.stateOf(rollbackId)) ?? '') && estate.stateOf(rollbackId), 600_000);
        // A rollback tries every host (its budget is all of them) and completes either way: the
        // host's own run and dpkg say whether it worked.
        const runs = await estate.runtime.store.rollouts.runs(rollbackId);
        expect(runs.map((r) => [r.host, r.state, r.error])).toEqual([['deb-01', 'verified', null]]);
        expect(installedVersion(host, update.pkg)).toBe(update.before);
        const finding = (await estate.findings('deb-01')).find((f) => f.patchId === update.patchId);
        expect(finding?.state).toBe('missing');
      } finally {
        host.sh(`cat > /etc/apt/sources.list <<'EOF'\n${sources}EOF\napt-get update -qq`);
      }
    },
    600_000,
  );
});

if (skip) console.warn(`[skip] real Debian host tests: ${skip}`);

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChrootHost, realHostSkipReason, startChrootHost } from '../support/real-hosts/chroot-host.ts';
import { waitingForIssue13 } from '../support/real-hosts/issue-13.ts';
import { installedVersion, pickSecurityUpdate, publishNewerBuild } from '../support/real-hosts/debian-apt.ts';
import { type Estate, startEstate } from '../support/real-hosts/service-estate.ts';
import { sshdSkipReason } from '../support/sshd.ts';
import { until } from '../support/until.ts';

/**
 * Issue #13's superseded case on the real Debian host (see debian-real.test.ts): the approved version
 * is no longer what the host's repositories offer when the change runs, and a scan saw that first
 * (review finding 1): the finding says superseded, the host still needs the change, which fails it.
 */
const skip = sshdSkipReason() ?? realHostSkipReason('debian-bookworm') ?? waitingForIssue13();

describe.skipIf(skip !== null)('a real Debian bookworm host: the approved version superseded before the run', () => {
  let host: ChrootHost;
  let estate: Estate;
  beforeAll(async () => {
    host = await startChrootHost('debian-bookworm', 'deb-03', 'debian', ['real']);
    estate = await startEstate([host]);
  }, 300_000);
  afterAll(async () => {
    await estate?.stop();
    await host?.stop();
  });

  it('fails the host with "approved X, the host\'s repositories now offer Y" and installs nothing', async () => {
    await estate.scan(['deb-03']);
    const update = pickSecurityUpdate(host);
    const proposed = await estate.ask('alice', `propose ${update.patchId} to real at always`);
    const id = String(proposed.data?.change);
    // Between proposal and approval the host's repositories start offering a newer build.
    const newer = publishNewerBuild(host, update.pkg, update.after);
    expect(host.sh(`apt-cache policy ${update.pkg}`)).toContain(`Candidate: ${newer}`);
    // A scan before the run sees the newer build while the host still runs the old version: the
    // approved version is superseded (not installed), and the newer one keeps its SLA clock.
    await estate.scan(['deb-03']);
    const findings = await estate.runtime.store.findings.byHost('deb-03');
    const approved = findings.find((f) => f.patchId === update.patchId);
    const successor = findings.find((f) => f.patchId === `deb:${update.pkg}@${newer}`);
    expect([approved?.state, approved?.supersededBy]).toEqual(['superseded', `deb:${update.pkg}@${newer}`]);
    expect([successor?.state, successor?.firstSeen]).toEqual(['missing', approved?.firstSeen]);
    await estate.ask('dave', `approve ${id}`);
    await until(`${id} to halt`, async () => ['halted', 'completed', 'failed'].includes((await estate.stateOf(id)) ?? '') && estate.stateOf(id), 600_000);
    expect(installedVersion(host, update.pkg)).toBe(update.before);
    const [run] = await estate.runtime.store.rollouts.runs(id);
    expect(run?.state).toBe('failed');
    expect(run?.error ?? '').toContain(`approved ${update.pkg}=${update.after}, the host's repositories now offer ${update.pkg}=${newer}`);
    expect(await estate.stateOf(id)).toBe('halted');
  }, 600_000);
});

if (skip) console.warn(`[skip] real Debian superseded-version test: ${skip}`);

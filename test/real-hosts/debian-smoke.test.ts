import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChrootHost, realHostSkipReason, startChrootHost } from '../support/real-hosts/chroot-host.ts';
import { installedVersion, pickSecurityUpdate } from '../support/real-hosts/debian-apt.ts';
import { type Estate, startEstate } from '../support/real-hosts/service-estate.ts';
import { sshdSkipReason } from '../support/sshd.ts';
import { until } from '../support/until.ts';

/** A smoke check that really fails inside the real Debian host (see debian-real.test.ts) halts the change. */
const skip = sshdSkipReason() ?? realHostSkipReason('debian-bookworm');

describe.skipIf(skip !== null)('a real Debian bookworm host: a failing smoke check', () => {
  let host: ChrootHost;
  let estate: Estate;
  beforeAll(async () => {
    host = await startChrootHost('debian-bookworm', 'deb-02', 'debian', ['real']);
    // smoke-systemd really runs inside the host, which has no systemd (a chroot): it fails there.
    estate = await startEstate([host], { rollout: { defaults: { concurrency: 1, soak: '0s', failureBudget: 0, smoke: ['smoke-systemd'] }, pilot: { soak: '0s' } } });
  }, 300_000);
  afterAll(async () => {
    await estate?.stop();
    await host?.stop();
  });

  it('halts the change after the upgrade, naming the host', async () => {
    await estate.scan(['deb-02']);
    const update = pickSecurityUpdate(host);
    const proposed = await estate.ask('alice', `propose ${update.patchId} to real at always`);
    const id = String(proposed.data?.change);
    await estate.ask('dave', `approve ${id}`);
    await until(`${id} to halt`, async () => (await estate.stateOf(id)) === 'halted', 600_000);
    // The upgrade itself went through; the check after it is what failed.
    expect(installedVersion(host, update.pkg)).toBe(update.after);
    const [run] = await estate.runtime.store.rollouts.runs(id);
    expect(run).toMatchObject({ host: 'deb-02', state: 'smoke-failed' });
  }, 600_000);
});

if (skip) console.warn(`[skip] real Debian smoke-check test: ${skip}`);

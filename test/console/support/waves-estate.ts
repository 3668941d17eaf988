import type { PatchbotStore } from '../../../src/patchbot-store.ts';
import type { Estate } from './console-service.ts';

/** A Debian openssl fix: the kind of patch the apply playbook takes (a package at a version). */
export const OPENSSL = 'deb:openssl@3.0.13-1~deb12u1';
export const APP_HOSTS = ['app-01', 'app-02', 'app-03', 'app-04', 'app-05', 'app-06', 'app-07'];
/** Already has the fix: its run ends `not-needed`, a light cell among the green ones. */
export const PATCHED_ALREADY = 'app-03';

/**
 * Seven app servers and a rollout that runs at once (dry run, the default) and stops where a
 * screenshot has the most to show: the pilot and the first wave patched, soaking in the second
 * wave (an emergency soaks at most 5 minutes, longer than any test), the last wave not started.
 */
const yaml = `
inventory:
  hosts:
${APP_HOSTS.map((name) => `    - { name: ${name}, address: 127.0.0.1, port: 1, os: debian, groups: [prod-app], tags: { env: prod } }`).join('\n')}
  groups:
    - { name: prod-app, members: [${APP_HOSTS.join(', ')}], production: true }
rollout:
  pilot: { soak: 0s }
  defaults: { concurrency: 2, soak: 0s }
  waves:
    - { name: first-half, percent: 50, soak: 1h }
    - { name: second-half, percent: 50 }
`;

const seed = async (store: PatchbotStore) => {
  const at = new Date(Date.now() - 30 * 60_000);
  await store.patches.upsert(
    [{ id: OPENSSL, title: 'openssl security update', severity: 'critical', security: true, cves: ['CVE-2024-0727'], rebootHint: false, firstSeen: at }],
    'scan-apps',
  );
  await store.scans.start('scan-apps', 'test', APP_HOSTS, at);
  for (const host of APP_HOSTS) {
    await store.scans.recordHost({ scanId: 'scan-apps', host, outcome: 'ok', startedAt: at, finishedAt: at, rebootRequired: false });
    await store.findings.record('scan-apps', host, [{ patchId: OPENSSL, state: host === PATCHED_ALREADY ? 'installed' : 'missing' }], at);
  }
  await store.scans.finish('scan-apps', at);
};

// Each wave's rescan cannot reach the hosts (a dry run is judged patched all the same): expected, not worth a warning.
export const WAVES_ESTATE: Estate = { yaml, seed, logLevel: 'error' };

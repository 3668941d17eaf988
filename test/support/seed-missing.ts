import type { PatchbotStore } from '../../src/patchbot-store.ts';

export const LIBBAR = 'deb:libbar1@1.1-1';

/** A scan that found LIBBAR (an important security update) missing on every one of `hosts`: what a change can propose. */
export const seedLibbarMissing = async (store: Pick<PatchbotStore, 'scans' | 'patches' | 'findings'>, hosts: string[]): Promise<void> => {
  const seen = new Date();
  await store.scans.start('scan-seed', 'test', hosts, seen);
  await store.patches.upsert([{ id: LIBBAR, title: 'libbar1 1.1-1', severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: seen }], 'scan-seed');
  for (const host of hosts) await store.findings.record('scan-seed', host, [{ patchId: LIBBAR, state: 'missing' }], seen);
};

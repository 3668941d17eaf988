import type { FindingInput } from '../../src/discovery/discovery-store.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';

/** A Debian host over SSH in one group, for the answers' tests. */
export const estateHost = (name: string, group: string) => ({
  name,
  address: `10.0.0.${name.length}`,
  port: 22,
  user: 'root',
  os: 'debian' as const,
  groups: [group],
  tags: {},
  connection: 'ssh' as const,
});

/** `names` as the Debian hosts of one group (not production), through the store's own repositories. */
export const syncGroupOf = async (store: PatchbotStore, group: string, names: readonly string[]): Promise<void> => {
  await store.hosts.sync(names.map((n) => estateHost(n, group)));
  await store.groups.sync([{ name: group, production: false }]);
};

/** The warning the Debian parser stores when it cannot tell whether a reboot is pending. */
export const NO_NEEDRESTART = 'whether a reboot is pending is unknown: Debian does not reliably create /var/run/reboot-required and needrestart is not installed';

/** One scan at `at`, through the store's own repositories: per host its findings, reboot flag and warnings, or unreachable. */
export const scanAt = async (
  store: PatchbotStore,
  scanId: string,
  at: Date,
  hosts: Record<string, { findings?: FindingInput[]; reboot?: boolean; unreachable?: true; warnings?: string[] }>,
) => {
  await store.scans.start(scanId, 'test', Object.keys(hosts), at);
  for (const [name, result] of Object.entries(hosts)) {
    const outcome = result.unreachable ? 'unreachable' : 'ok';
    await store.scans.recordHost({
      scanId,
      host: name,
      outcome,
      startedAt: at,
      finishedAt: at,
      rebootRequired: result.reboot ?? null,
      ...(result.warnings ? { warnings: result.warnings } : {}),
      ...(result.unreachable ? { error: `${name}: connect ECONNREFUSED` } : {}),
    });
    if (!result.unreachable) await store.findings.record(scanId, name, result.findings ?? [], at);
  }
  await store.scans.finish(scanId, at);
};

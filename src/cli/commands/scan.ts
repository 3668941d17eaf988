import { resolveTarget } from '../../inventory/resolve.ts';
import { UsageError } from '../../shared/errors.ts';
import { type Command, EXIT } from '../command.ts';
import { progressReporter } from '../progress.ts';

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export const scan: Command = {
  path: ['scan'],
  summary: 'scan hosts for missing patches and store the findings',
  usage: [
    'Usage: patchbot scan [GROUP|HOST] [--group G] [--host H] [--json]',
    'Without a target, every host in the inventory. Exit 0 when every host was scanned, 1 when any',
    'was unreachable or its scan failed (the others are still stored).',
  ].join('\n'),
  options: {
    group: { type: 'string', description: 'scan the hosts of this group' },
    host: { type: 'string', description: 'scan this host' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  positionals: [0, 1],
  usesStore: true,
  async run({ values, positionals, io, config: loadConfig, withRuntime }) {
    const config = await loadConfig();
    const group = values.group as string | undefined;
    const host = values.host as string | undefined;
    const named = [positionals[0], group, host].filter((v): v is string => Boolean(v));
    if (named.length > 1) throw new UsageError('give one target: a group or host name, --group or --host');
    const inventory = { hosts: config.inventory.hosts ?? [], groups: config.inventory.groups ?? [] };
    const target = named[0] ? resolveTarget(inventory, named[0]) : { kind: 'all' as const, name: 'all hosts', hosts: [...inventory.hosts] };
    if (group && target.kind !== 'group') throw new UsageError(`${group} is a host, not a group`);
    if (host && target.kind !== 'host') throw new UsageError(`${host} is a group, not a host`);

    return withRuntime(async (runtime) => {
      const started = performance.now();
      const [{ scanAndAudit }, { waitForScan }] = await Promise.all([import('../../discovery/discovery-jobs.ts'), import('../../discovery/wait-for-scan.ts')]);
      const { scanId } = await scanAndAudit(runtime.scan, { hosts: target.hosts.map((h) => h.name), requestedBy: 'cli' });
      const progress = progressReporter(io.stderr, io.isTty && !values.json, 'Scanning');
      const final = await waitForScan(runtime.store, scanId, { onProgress: (p) => progress.update(p.done, p.hosts) });
      progress.done();
      const [results, fresh] = await Promise.all([runtime.store.scans.results(scanId), runtime.store.patches.firstSeenIn(scanId)]);
      const seconds = (performance.now() - started) / 1000;
      const bad = results.filter((r) => r.outcome !== 'ok');
      if (values.json) {
        io.stdout.write(`${JSON.stringify({ seconds, ...final, targets: results.map((r) => r.host), results, newPatches: fresh.map((p) => p.id) })}\n`);
      } else {
        const missing = results.reduce((sum, r) => sum + (r.missingCount ?? 0), 0);
        const withMissing = results.filter((r) => (r.missingCount ?? 0) > 0).length;
        const lines = [
          `Scanned ${plural(final.hosts, 'host')} (${target.name}) in ${seconds.toFixed(1)} s (${scanId}): ${final.ok} ok, ${final.unreachable} unreachable, ${final.failed} failed.`,
          ...bad.map((r) => `  ${r.host}  ${r.outcome}: ${r.error ?? ''}`),
          `${plural(missing, 'missing patch', 'missing patches')} across ${plural(withMissing, 'host')}; ${plural(fresh.length, 'newly discovered patch', 'newly discovered patches')}.`,
          ...results.filter((r) => r.rebootRequired).map((r) => `  ${r.host} needs a reboot.`),
        ];
        io.stdout.write(`${lines.join('\n')}\n`);
      }
      return bad.length ? EXIT.failure : EXIT.ok;
    });
  },
};

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../../src/config/load.ts';
import { scanAndAudit } from '../../../src/discovery/discovery-jobs.ts';
import { platform } from '../platform.ts';
import type { StoreHandle } from '../../../src/platform.ts';
import { type Runtime, startRuntime } from '../../../src/service/runtime.ts';
import { createLogger } from '../../../src/shared/logger.ts';
import { askAs } from '../ask-as.ts';
import { writeConfig } from '../cli.ts';
import { TEST_SERVER_TOKEN } from '../server-token.ts';
import { until } from '../until.ts';
import type { ChrootHost } from './chroot-host.ts';

/**
 * The service (store, job queue, workers, console as chat) over real hosts, with execution.dryRun
 * false: changes really run on them. A window that is always open and no soak, because these
 * tests are about what happens on the hosts, not about waiting.
 */
export interface Estate {
  runtime: Runtime;
  ask(name: string, text: string): ReturnType<typeof askAs>;
  /** Scans the hosts through the discovery jobs and waits until the scan finished. */
  scan(hosts: string[]): Promise<void>;
  findings(host: string): Promise<{ patchId: string; state: string }[]>;
  stateOf(change: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

export async function startEstate(hosts: ChrootHost[], extra: Record<string, unknown> = {}): Promise<Estate> {
  const first = hosts[0]!.sshd;
  const groups = [...new Set(hosts.flatMap((h) => h.entry.groups))].map((name) => ({ name, members: hosts.filter((h) => h.entry.groups.includes(name)).map((h) => h.name) }));
  const config = writeConfig(
    stringify({
      server: { token: TEST_SERVER_TOKEN },
      store: { url: 'pglite://memory' },
      schedules: { discovery: null },
      windows: { always: { cron: '* * * * *', duration: '1h' } },
      rollout: { defaults: { concurrency: 1, soak: '0s', failureBudget: 0 }, pilot: { soak: '0s' } },
      inventory: { hosts: hosts.map((h) => h.entry), groups },
      // One client key and one known_hosts for all: every host's sshd was started with its own
      // keys, so the known_hosts file is the concatenation (written below).
      execution: { dryRun: false, concurrency: 2, ssh: { privateKeyPath: first.clientKeyPath, knownHostsPath: knownHosts(hosts) } },
      ...extra,
    }),
  );
  const loaded = (await loadConfig({ files: [config], env: {}, cwd: process.cwd() })).config;
  const handle: StoreHandle = await platform.openStore(loaded.store.url, { migrate: true });
  const runtime = await startRuntime({ config: loaded, platform, log: createLogger({ level: 'silent' }), handle, workers: true });
  return {
    runtime,
    ask: (name, text) => askAs(runtime, name, text),
    async scan(names) {
      const { scanId } = await scanAndAudit(runtime.scan, { hosts: names, requestedBy: 'test' });
      await until('the scan', async () => (await runtime.store.scans.progress(scanId))?.finishedAt, 300_000);
    },
    findings: async (host) => (await runtime.store.findings.byHost(host)).map((f) => ({ patchId: f.patchId, state: f.state })),
    stateOf: async (id) => (await runtime.store.changes.get(id))?.state,
    async stop() {
      await runtime.stop();
      await handle.close();
    },
  };
}

function knownHosts(hosts: ChrootHost[]): string {
  // The first host's client key is the one the service uses: every host's sshd must accept it.
  const key = readFileSync(`${hosts[0]!.sshd.clientKeyPath}.pub`, 'utf8');
  for (const h of hosts.slice(1)) writeFileSync(`${h.sshd.dir}/authorized_keys`, key);
  const path = join(mkdtempSync(join(tmpdir(), 'patchbot-known-')), 'known_hosts');
  writeFileSync(path, hosts.map((h) => readFileSync(h.sshd.knownHostsPath, 'utf8')).join(''));
  return path;
}

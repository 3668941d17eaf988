import { scanAndAudit } from '../../src/discovery/discovery-jobs.ts';
import type { StoreHandle } from '../../src/platform.ts';
import type { Runtime } from '../../src/service/runtime.ts';
import { writeConfig } from './cli.ts';
import { type FakeServiceNow, startFakeServiceNow } from './fake-servicenow.ts';
import { type Fleet, type FleetHostSpec, startFleet } from './fleet/index.ts';
import { TEST_SERVER_TOKEN } from './server-token.ts';
import { startTestRuntime } from './test-runtime.ts';
import { until } from './until.ts';

export interface FleetRuntime {
  fleet: Fleet;
  handle: StoreHandle;
  runtime: Runtime;
  /** The ServiceNow fake tickets go to, when asked for. */
  sn: FakeServiceNow | null;
  /** Scans these hosts through the runtime and waits until the scan finished. */
  scan(hosts: string[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The service on real SSH hosts (the fleet simulator behind one loopback sshd; the shipped
 * playbooks run for real, dryRun off), on an in-memory store with its workers, after a first
 * scan of every host. `config` adds YAML lines (windows, rollout) to the store and schedule lines.
 */
export const startFleetRuntime = async (options: {
  hosts: FleetHostSpec[];
  groups: Record<string, string[]>;
  config: string[];
  servicenow?: boolean;
  now?: () => Date;
}): Promise<FleetRuntime> => {
  const fleet = await startFleet({ hosts: options.hosts });
  const sn = options.servicenow ? await startFakeServiceNow() : null;
  const inventory = writeConfig(fleet.inventoryYaml(options.groups, { execution: { dryRun: false, concurrency: 4 } }), 'inventory.yaml');
  const itsm = sn ? [`itsm: { kind: servicenow, servicenow: { instanceUrl: "${sn.config().instanceUrl}", username: ${sn.config().username}, password: ${sn.config().password} } }`] : [];
  const main = writeConfig([`server: { token: ${TEST_SERVER_TOKEN} }`, 'store: { url: "pglite://memory" }', 'schedules: { discovery: null }', ...options.config, ...itsm].join('\n'));
  const { handle, runtime } = await startTestRuntime([main, inventory], {
    ...(options.now ? { now: options.now } : {}),
    ...(sn ? { ticketSync: { pumpMs: 100, baseDelayMs: 100, maxDelayMs: 1_000, leaseMs: 30_000 } } : {}),
  });
  const scan = async (hosts: string[]) => {
    const { scanId } = await scanAndAudit(runtime.scan, { hosts, requestedBy: 'test' });
    await until(`scan ${scanId}`, async () => (await runtime.store.scans.progress(scanId))?.finishedAt);
  };
  await scan(Object.keys(options.groups));
  return {
    fleet,
    handle,
    runtime,
    sn,
    scan,
    stop: async () => {
      await runtime.stop();
      await handle.close();
      await fleet.stop();
      await sn?.stop();
    },
  };
};

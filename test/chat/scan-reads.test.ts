import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import type { StoreHandle } from '../../src/platform.ts';
import { type Runtime, startRuntime } from '../../src/service/runtime.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { askAs } from '../support/ask-as.ts';
import { writeLocalEstateConfig } from '../support/local-estate-config.ts';
import { platform } from '../support/platform.ts';
import { recordCallsOn, type Recording } from '../support/recorded-calls.ts';

/**
 * `scan <group|host>` reads the group's members (evaluated in the store) or the one host, not the
 * whole inventory; only a name that is neither reads every name, for the closest ones.
 */
const WEB = Array.from({ length: 30 }, (_, i) => `web-${String(i + 1).padStart(2, '0')}`);
const DB = Array.from({ length: 10 }, (_, i) => `db-${String(i + 1).padStart(2, '0')}`);

let handle: StoreHandle;
let runtime: Runtime;
let recorded: Recording<StoreHandle['store']>;

beforeAll(async () => {
  const file = writeLocalEstateConfig({ hosts: [...WEB, ...DB], groups: { web: WEB, db: DB }, rollout: '{}' });
  const { config } = await loadConfig({ files: [file], env: {}, cwd: process.cwd() });
  handle = await platform.openStore(config.store.url, { migrate: true });
  recorded = recordCallsOn(handle.store);
  // No workers: the scans are only started.
  runtime = await startRuntime({ config, platform, log: createLogger({ level: 'silent' }), handle, workers: false });
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
  await handle?.close();
});

const inventoryReads = () => recorded.calls.map((c) => c.call).filter((c) => c.startsWith('hosts.') || c.startsWith('groups.'));

describe('scan from chat', () => {
  it('reads only the group it scans, or the host', async () => {
    recorded.calls.length = 0;
    expect((await askAs(runtime, 'bob', 'scan web')).data).toMatchObject({ hosts: 30, created: true });
    expect(inventoryReads()).toEqual(['groups.memberNames']);
    recorded.calls.length = 0;
    expect((await askAs(runtime, 'bob', 'scan db-07')).data).toMatchObject({ hosts: 1, created: true });
    expect(inventoryReads()).toEqual(['groups.memberNames', 'hosts.get']);
  });

  it('offers the closest names for one that is neither', async () => {
    const typo = await askAs(runtime, 'bob', 'scan wbe');
    expect(typo.error?.suggestions).toContain('web');
  });
});

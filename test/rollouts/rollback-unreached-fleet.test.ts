import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askAs } from '../support/ask-as.ts';
import type { Runtime } from '../../src/service/runtime.ts';
import { consoleHistoryOf } from '../support/console-history.ts';
import type { Fleet, FleetHostSpec } from '../support/fleet/index.ts';
import { hostPaths } from '../support/fleet/tools/host-state.ts';
import { sshdSkipReason } from '../support/sshd.ts';
import { until } from '../support/until.ts';
import { type FleetRuntime, startFleetRuntime } from '../support/fleet-runtime.ts';

/**
 * A rollback touches only the hosts that ran the change (README; review finding 5), on real SSH
 * (the fleet simulator, the shipped apply-debian-packages and rollback-debian run for real): a host
 * that was down when its turn came changed nothing, so the rollback leaves it out, and restoring
 * every host that did change settles the original as rolled-back.
 */
const OLD = '1.0-1';
const NEW = '1.1-1';
const PATCH = `deb:libbar1@${NEW}`;
const host = (name: string): FleetHostSpec => ({ name, installed: { libbar1: OLD, bash: '5.2.15-2+b2' }, candidates: { libbar1: { version: NEW, suite: 'bookworm-security' } } });
const GROUPS: Record<string, string[]> = { 'canary-01': ['canary'], 'web-01': ['web'], 'web-02': ['web'] };

const skip = sshdSkipReason();
if (skip) console.warn(`rollback-unreached fleet tests skipped: ${skip}`);
let fleet: Fleet;
let runtime: Runtime;
let env: FleetRuntime;

const ask = (name: string, text: string) => askAs(runtime, name, text, { channel: 'approvals' });
const stateOf = async (id: string) => (await runtime.store.changes.get(id))?.state;
const commandsOn = (name: string) => fleet.commands(name).filter((c) => c.refused === null);

describe.skipIf(skip !== null)('a rollback leaves out the hosts that never ran the change', () => {
  beforeAll(async () => {
    env = await startFleetRuntime({
      hosts: Object.keys(GROUPS).map(host),
      groups: GROUPS,
      // One host per batch: web-01 has finished when web-02's failure halts the wave.
      config: ['windows: { always: { cron: "* * * * *", duration: 1h } }', 'rollout: { pilot: { soak: 0s }, defaults: { concurrency: 1, soak: 0s, failureBudget: 0 } }'],
    });
    ({ fleet, runtime } = env);
  }, 180_000);

  afterAll(async () => env?.stop());

  it('web-02 was down when its turn came: the rollback restores canary-01 and web-01 only, and the original becomes rolled-back', async () => {
    // web-02 was scanned (it misses the patch), then goes down: every command to it is dropped.
    writeFileSync(hostPaths(join(fleet.dir, 'hosts', 'web-02')).downUntil, String(Date.now() + 3_600_000));
    const proposed = await ask('alice', `propose ${PATCH} to canary web at always`);
    expect(proposed.error, JSON.stringify(proposed.error)).toBeUndefined();
    const id = String(proposed.data?.change);
    expect((await ask('dave', `approve ${id}`)).error).toBeUndefined();
    await until(`${id} to halt`, async () => ['halted', 'completed', 'failed'].includes((await stateOf(id)) ?? ''), 90_000);
    expect(await stateOf(id)).toBe('halted');
    expect((await runtime.store.rollouts.runs(id)).map((r) => [r.host, r.state])).toEqual([
      ['canary-01', 'verified'],
      // Patched; the wave halted before its rescan could verify it.
      ['web-01', 'applied'],
      ['web-02', 'failed'],
    ]);
    expect(commandsOn('web-02').filter((c) => c.command.includes('/var/lib/patchbot'))).toEqual([]);

    // Asking for web-02 by name is refused: it never ran the change.
    const named = await ask('dave', `rollback ${id} web-02`);
    expect(named.error?.message).toMatch(/web-02/);
    expect(await stateOf(id)).toBe('halted');

    const rolled = await ask('dave', `rollback ${id}`);
    expect(rolled.error, JSON.stringify(rolled.error)).toBeUndefined();
    expect(rolled.private?.text ?? rolled.public?.text).toMatch(new RegExp(`^${id}: rolling back 2 hosts as `));
    const rollbackId = String(rolled.data?.rollback);
    await until(`${rollbackId} to end`, async () => ['completed', 'failed'].includes((await stateOf(rollbackId)) ?? ''), 90_000);
    expect(await stateOf(rollbackId)).toBe('completed');
    expect((await runtime.store.rollouts.runs(rollbackId)).map((r) => [r.host, r.state])).toEqual([
      ['canary-01', 'verified'],
      ['web-01', 'verified'],
    ]);
    expect(fleet.installed('canary-01').libbar1).toBe(OLD);
    expect(fleet.installed('web-01').libbar1).toBe(OLD);

    // Every host that changed is restored: the original is rolled back, and says so.
    expect(await stateOf(id)).toBe('rolled-back');
    const told = await until(
      'the rolled-back notice',
      async () => (await consoleHistoryOf(runtime).recent('approvals', null, 200)).find((m) => m.card?.title === `${id}: rolled back`),
      20_000,
    );
    expect(told.card?.text).toBe(`${rollbackId} restored every host that ran ${id}.`);
    const events = (await runtime.store.ticketOutbox.list(id)).map((e) => e.event);
    expect(events.slice(-2)).toEqual([
      { kind: 'note', text: `Backout ${rollbackId} completed: 2 of 2 hosts restored.` },
      { kind: 'rolled-back', summary: `${rollbackId} ran the backout: 2 of 2 hosts restored.` },
    ]);
  }, 240_000);
});

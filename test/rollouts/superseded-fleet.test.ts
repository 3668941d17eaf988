import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Interaction } from '../../src/chat/interaction.ts';
import { askAs } from '../support/ask-as.ts';
import { kickRollout } from '../../src/rollouts/run/rollout-jobs.ts';
import type { Runtime } from '../../src/service/runtime.ts';
import type { Fleet, FleetHostSpec } from '../support/fleet/index.ts';
import { sshdSkipReason } from '../support/sshd.ts';
import { until } from '../support/until.ts';
import { type FleetRuntime, startFleetRuntime } from '../support/fleet-runtime.ts';
import type { FakeServiceNow } from '../support/fake-servicenow.ts';
import { firstLines, settledOutbox } from '../tickets/ticket-harness.ts';

/**
 * What a change says when its hosts did not get what it approved, on real SSH (the fleet simulator
 * behind one loopback sshd, the shipped apply-debian-packages run for real) with a ServiceNow fake:
 * - the mirror replaced the approved version between the approval and the window, and a scan saw
 *   it before the window opened (review finding 1): the hosts fail with "approved X, the host's
 *   repositories now offer Y", the change does not complete, the ticket claims no patch;
 * - one host patched, one that already had the version (review finding 3): the ticket says so,
 *   not "2 of 2 hosts patched".
 */
const OLD = '1.0-1';
const APPROVED = '1.1-1';
const NEWER = '1.2-1';
const PATCH = `deb:libbar1@${APPROVED}`;

const host = (name: string, installed: string): FleetHostSpec => ({
  name,
  installed: { libbar1: installed, bash: '5.2.15-2+b2' },
  candidates: installed === APPROVED ? {} : { libbar1: { version: APPROVED, suite: 'bookworm-security' } },
});
const GROUPS: Record<string, string[]> = { 'app-01': ['app'], 'app-02': ['app'], 'db-01': ['db'], 'db-02': ['db'] };

const skip = sshdSkipReason();
if (skip) console.warn(`superseded fleet tests skipped: ${skip}`);
let fleet: Fleet;
let runtime: Runtime;
let env: FleetRuntime;
let sn: FakeServiceNow;
// Each test proposes on its own evening before the nightly window, then moves the clock into it.
const MONDAY = '2026-12-07';
const TUESDAY = '2026-12-08';
let clock = new Date(`${MONDAY}T21:00:00Z`);
let kicks = 0;

const act = (name: string, over: Partial<Interaction>) => askAs(runtime, name, over.text ?? '', { channel: 'approvals', ...over });
const stateOf = async (id: string) => (await runtime.store.changes.get(id))?.state;
const installs = (name: string) => fleet.toolCalls(name).filter((c) => c.tool === 'apt-get' && c.args.includes('install') && !c.args.includes('-s'));
const scan = (hosts: string[]) => env.scan(hosts);
const ticketOf = async (id: string) => {
  await settledOutbox(runtime, id);
  const [link] = await runtime.store.tickets.forChange(id);
  const record = sn.change(link!.key);
  return { state: record.state, fields: record.fields, notes: firstLines(sn.workNotes(link!.key)) };
};

/** Proposes PATCH to `group` in the nightly window on `day` (at 21:30) and has dave approve it: it waits for 22:00. */
const approve = async (group: string, day: string) => {
  clock = new Date(`${day}T21:30:00Z`);
  const proposed = await act('alice', { text: `propose ${PATCH} to ${group} at nightly` });
  expect(proposed.error, JSON.stringify(proposed.error)).toBeUndefined();
  const id = String(proposed.data?.change);
  expect((await act('dave', { text: `approve ${id}` })).error).toBeUndefined();
  await until(`${id} to be scheduled`, async () => (await stateOf(id)) === 'scheduled');
  return id;
};
/** The window of `day` opens: the change runs until it ends one of `ends`. */
const runInWindow = async (id: string, day: string, ends: string[]) => {
  clock = new Date(`${day}T22:02:00Z`);
  await kickRollout(runtime, id, `window-${++kicks}`);
  await until(`${id} to end`, async () => ends.includes((await stateOf(id)) ?? ''), 90_000);
};

describe.skipIf(skip !== null)('a change tells the truth about hosts it did not patch', () => {
  beforeAll(async () => {
    env = await startFleetRuntime({
      hosts: [host('app-01', OLD), host('app-02', OLD), host('db-01', OLD), host('db-02', APPROVED)],
      groups: GROUPS,
      config: ['windows: { nightly: { cron: "0 22 * * *", duration: 1h, timezone: UTC } }', 'rollout: { defaults: { concurrency: 2, soak: 0s, failureBudget: 0 }, pilot: { soak: 0s } }'],
      servicenow: true,
      now: () => clock,
    });
    ({ fleet, runtime } = env);
    sn = env.sn!;
  }, 180_000);

  afterAll(async () => env?.stop());

  it('an approved version the mirror replaced before the window fails its host with "approved X, now offers Y"; the change does not complete', async () => {
    const id = await approve('app', MONDAY);
    // After the approval, the mirror moves on to 1.2-1 and a scan sees it before the window: it
    // no longer lists 1.1-1, it lists 1.2-1 as missing while the host runs 1.0-1, so 1.1-1 is
    // superseded (not installed), and 1.2-1 keeps 1.1-1's clock.
    for (const name of ['app-01', 'app-02']) fleet.setCandidate(name, 'libbar1', { version: NEWER, suite: 'bookworm-security' });
    clock = new Date(`${MONDAY}T21:40:00Z`);
    await scan(['app-01', 'app-02']);
    const findings = await runtime.store.findings.byHost('app-01');
    expect(findings.map((f) => [f.patchId, f.state, f.supersededBy ?? null])).toEqual([
      [PATCH, 'superseded', `deb:libbar1@${NEWER}`],
      [`deb:libbar1@${NEWER}`, 'missing', null],
    ]);
    expect(findings[1]!.firstSeen).toEqual(findings[0]!.firstSeen);

    await runInWindow(id, MONDAY, ['halted', 'failed', 'completed']);
    expect(await stateOf(id)).toBe('halted');
    // The pilot ran the apply, whose check refused: nothing was installed, nothing claimed.
    const runs = await runtime.store.rollouts.runs(id);
    expect(runs.map((r) => [r.host, r.state])).toEqual([['app-01', 'failed']]);
    expect(runs[0]!.error).toContain(`approved libbar1=${APPROVED}, the host's repositories now offer libbar1=${NEWER}`);
    expect(fleet.installed('app-01').libbar1).toBe(OLD);
    expect(installs('app-01')).toHaveLength(0);
    const progress = await runtime.store.rollouts.progress(id);
    expect(progress?.haltReason).toMatch(/app-01|1 host failed/);

    const ticket = await ticketOf(id);
    expect(ticket.notes.some((n) => n.startsWith('Completed successfully'))).toBe(false);
    expect(ticket.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^Halted: /)]));
    expect(ticket.fields.close_code).toBeUndefined();
  }, 180_000);

  it('a host that already had the version is counted apart: the ticket says "1 of 2 hosts patched, 1 already had it"', async () => {
    const id = await approve('db', TUESDAY);
    await runInWindow(id, TUESDAY, ['completed', 'failed', 'halted']);
    expect(await stateOf(id)).toBe('completed');
    expect((await runtime.store.rollouts.runs(id)).map((r) => [r.host, r.state]).sort()).toEqual([
      ['db-01', 'verified'],
      ['db-02', 'not-needed'],
    ]);
    expect(fleet.installed('db-01').libbar1).toBe(APPROVED);
    expect(installs('db-02')).toHaveLength(0);

    const ticket = await ticketOf(id);
    expect(ticket.notes).toEqual(expect.arrayContaining([`Completed successfully: 1 of 2 hosts patched, 1 already had it.`]));
    expect(ticket.fields).toMatchObject({ close_code: 'successful', close_notes: 'Completed successfully: 1 of 2 hosts patched, 1 already had it.' });
  }, 180_000);
});

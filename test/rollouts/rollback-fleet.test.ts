import { chmodSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Interaction } from '../../src/chat/interaction.ts';
import { askAs } from '../support/ask-as.ts';
import type { Runtime } from '../../src/service/runtime.ts';
import { consoleHistoryOf } from '../support/console-history.ts';
import type { Fleet, FleetHostSpec } from '../support/fleet/index.ts';
import { sshdSkipReason } from '../support/sshd.ts';
import { until } from '../support/until.ts';
import { type FleetRuntime, startFleetRuntime } from '../support/fleet-runtime.ts';
import type { FakeServiceNow } from '../support/fake-servicenow.ts';
import { firstLines, settledOutbox } from '../tickets/ticket-harness.ts';

/**
 * Issue #19's outcomes on real SSH (the fleet simulator behind one loopback sshd, the shipped
 * apply-debian-packages and rollback-debian playbooks run for real): a failed host inside the
 * failure budget, a rollback that fails on its host, and a completed change whose full rollback
 * makes it rolled-back. Each is checked against the hosts' packages, the host runs, the thread,
 * the change's card and its ServiceNow ticket (loopback fake).
 */
const OLD = '3.0.11-1~deb12u2';
const NEW = '3.0.13-1~deb12u1';
const PATCH = `deb:openssl@${NEW}`;

const sslHost = (name: string): FleetHostSpec => ({
  name,
  installed: { openssl: OLD, 'libssl3:amd64': OLD, bash: '5.2.15-2+b2' },
  candidates: { openssl: { version: NEW, suite: 'bookworm-security', requires: ['libssl3:amd64'] }, 'libssl3:amd64': { version: NEW, suite: 'bookworm-security' } },
});
const GROUPS: Record<string, string[]> = { 'app-01': ['app'], 'app-02': ['app'], 'db-01': ['db'], 'db-02': ['db'], 'gw-01': ['gw'] };

const skip = sshdSkipReason();
if (skip) console.warn(`rollback fleet tests skipped: ${skip}`);
let fleet: Fleet;
let runtime: Runtime;
let env: FleetRuntime;
let sn: FakeServiceNow;

/** What `name` does in the approvals channel: a command (`text`) or a click (`kind: 'action'`). */
const act = (name: string, over: Partial<Interaction>) => askAs(runtime, name, over.text ?? '', { channel: 'approvals', ...over });
const stateOf = async (id: string) => (await runtime.store.changes.get(id))?.state;
const SHOWN_MS = 30_000;
const thread = async (id: string) => {
  const messages = await consoleHistoryOf(runtime).recent('approvals', null, 500);
  const root = messages.find((m) => !m.threadOf && m.card?.threadKey === `change:${id}`);
  return { root, replies: messages.filter((m) => root && m.threadOf === root.id) };
};
const cardState = async (id: string) => (await thread(id)).root?.card?.fields?.find((f) => f.label === 'State')?.value;
const installs = (host: string) => fleet.toolCalls(host).filter((c) => c.tool === 'apt-get' && c.args.includes('install') && !c.args.includes('-s'));
const ticketOf = async (id: string) => {
  await settledOutbox(runtime, id);
  const [link] = await runtime.store.tickets.forChange(id);
  const record = sn.change(link!.key);
  return { state: record.state, fields: record.fields, notes: firstLines(sn.workNotes(link!.key)) };
};

/** Proposes `patch` to `groups` now (approved by dave, the normal policy's one on-call approval) and waits for it to end. */
const runChange = async (groups: string, end: string) => {
  const proposed = await act('alice', { text: `propose ${PATCH} to ${groups} at always` });
  expect(proposed.error, JSON.stringify(proposed.error)).toBeUndefined();
  const id = String(proposed.data?.change);
  const vote = await act('dave', { text: `approve ${id}` });
  expect(vote.error, JSON.stringify(vote.error)).toBeUndefined();
  await until(
    `${id} to end ${end}`,
    async () => {
      const state = await stateOf(id);
      if (state && ['completed', 'failed', 'halted', 'rolled-back'].includes(state) && state !== end) throw new Error(`${id} ended ${state}, not ${end}`);
      return state === end;
    },
    90_000,
  );
  return id;
};

const rollBack = async (id: string, end: string) => {
  const asked = await act('alice', { text: `rollback ${id}` });
  expect(asked.error, JSON.stringify(asked.error)).toBeUndefined();
  const rollbackId = String(asked.data?.rollback);
  await until(
    `${rollbackId} to end ${end}`,
    async () => {
      const state = await stateOf(rollbackId);
      if (state && ['completed', 'failed'].includes(state) && state !== end) throw new Error(`${rollbackId} ended ${state}, not ${end}`);
      return state === end;
    },
    90_000,
  );
  return rollbackId;
};

describe.skipIf(skip !== null)('rollouts and rollbacks on real SSH hosts end as their hosts say', () => {
  beforeAll(async () => {
    // No pilot ring here: each change is one wave over its group, with room for one failed host.
    env = await startFleetRuntime({
      hosts: Object.keys(GROUPS).map(sslHost),
      groups: GROUPS,
      config: ['windows: { always: { cron: "* * * * *", duration: 1h } }', 'rollout: { defaults: { concurrency: 2, soak: 0s, failureBudget: 1 }, pilot: { soak: 0s } }'],
      servicenow: true,
    });
    ({ fleet, runtime } = env);
    sn = env.sn!;
  }, 180_000);

  afterAll(async () => env?.stop());

  it('completes with a failed host inside the budget: the host installed nothing, and thread, card and ticket say "completed with 1 failed host"', async () => {
    // The mirror moved on for app-02 after the scan: the approved version is no longer offered there.
    fleet.setCandidate('app-02', 'openssl', { version: '3.0.13-1~deb12u2', suite: 'bookworm-security', requires: ['libssl3:amd64'] });
    const id = await runChange('app', 'completed');

    expect(fleet.installed('app-01')).toMatchObject({ openssl: NEW, 'libssl3:amd64': NEW });
    expect(fleet.installed('app-02')).toMatchObject({ openssl: OLD, 'libssl3:amd64': OLD });
    expect(installs('app-02')).toHaveLength(0);
    const runs = await runtime.store.rollouts.runs(id);
    expect(runs.map((r) => [r.host, r.state])).toEqual([
      ['app-01', 'verified'],
      ['app-02', 'failed'],
    ]);
    expect(runs[1]!.error).toContain(`approved openssl=${NEW}, the host's repositories now offer openssl=3.0.13-1~deb12u2`);

    const done = await until('the completion message', async () => (await thread(id)).replies.find((m) => m.card?.title === `${id}: completed with 1 failed host`), SHOWN_MS);
    expect(done.card?.text).toMatch(/1 patched, 1 failed of 2 hosts/);
    expect(done.card?.text).toMatch(/app-02 \(failed\): .*now offer openssl=3\.0\.13-1~deb12u2/);
    await until('the card to say so', async () => (await cardState(id)) === 'completed with 1 failed host', SHOWN_MS);
    const ticket = await ticketOf(id);
    expect(ticket.state).toBe('3');
    expect(ticket.notes).toEqual(
      expect.arrayContaining([
        // app-01 is the group's pilot: it ran first, app-02 in the wave after it.
        'Wave 1 of 2 done: 1 ok, 0 failed, 0 skipped (1 host).',
        'Wave 2 of 2 done: 0 ok, 1 failed, 0 skipped (1 host).',
        expect.stringMatching(/^Completed successfully: completed with 1 failed host: 1 of 2 hosts patched; 1 failed host \(app-02: /),
      ]),
    );
    // A rescan agrees: patched where it says patched, missing where it says failed.
    const finding = async (host: string) => (await runtime.store.findings.byHost(host)).find((f) => f.patchId === PATCH)?.state;
    expect(await finding('app-01')).toBe('installed');
    expect(await finding('app-02')).toBe('missing');
  }, 180_000);

  it('a rollback that fails on its host is failed, leaves the change completed, says why in the thread and on the ticket; a second rollback finishes it', async () => {
    const id = await runChange('db', 'completed');
    expect(fleet.installed('db-01').openssl).toBe(NEW);
    expect(fleet.installed('db-02').openssl).toBe(NEW);
    // db-02's record was made writable by others after the change: the rollback must not trust it.
    const record = fleet.hostFile('db-02', `/var/lib/patchbot/${id}/before`);
    chmodSync(record, 0o666);
    const rollbackId = await rollBack(id, 'failed');

    // db-01 was restored; db-02 refused its record and kept the patch.
    expect(fleet.installed('db-01')).toMatchObject({ openssl: OLD, 'libssl3:amd64': OLD });
    expect(fleet.installed('db-02')).toMatchObject({ openssl: NEW, 'libssl3:amd64': NEW });
    const runs = await runtime.store.rollouts.runs(rollbackId);
    expect(runs.map((r) => [r.host, r.state])).toEqual([
      ['db-01', 'verified'],
      ['db-02', 'failed'],
    ]);
    // Not every host is back: the original stays completed (not rolled-back), and the threads say what is left.
    expect(await stateOf(id)).toBe('completed');
    const failed = await until('the rollback outcome', async () => (await thread(rollbackId)).replies.find((m) => m.card?.title === `${rollbackId}: failed`), SHOWN_MS);
    expect(failed.card?.text).toMatch(/^The rollback failed: not restored on 1 host: db-02\. 1 rolled back, 1 failed of 2 hosts\./);
    expect(failed.card?.text).toMatch(/db-02 \(failed\): .*mode 666 lets others write to it/);
    const partial = await until('the partial notice', async () => (await thread(rollbackId)).replies.find((m) => m.card?.title === `${rollbackId}: rolled back in part`), SHOWN_MS);
    expect(partial.card?.text).toBe(`${id} stays completed: not restored on db-02. \`rollback ${id} db-02\` tries those again.`);
    await until('the rollback card to say failed', async () => (await cardState(rollbackId)) === 'failed (1 host failed)', SHOWN_MS);
    expect(await cardState(id)).toBe('completed');
    const ticket = await ticketOf(id);
    expect(ticket.state).toBe('3');
    expect(ticket.fields).toMatchObject({ close_code: 'successful' });
    expect(ticket.notes).toEqual(expect.arrayContaining([`Backout ${rollbackId} failed: not restored on 1 host: db-02. 1 of 2 hosts restored; 1 failed host (db-02: ${runs[1]!.error}).`]));

    // With the record repaired, the rest is rolled back; with both rollbacks, every host is restored.
    chmodSync(record, 0o600);
    const asked = await act('alice', { text: `rollback ${id} db-02` });
    expect(asked.error, JSON.stringify(asked.error)).toBeUndefined();
    const second = String(asked.data?.rollback);
    await until(`${second} to complete`, async () => (await stateOf(second)) === 'completed', 90_000);
    expect(fleet.installed('db-02')).toMatchObject({ openssl: OLD, 'libssl3:amd64': OLD });
    expect((await runtime.store.rollouts.runs(second)).map((r) => [r.host, r.state])).toEqual([['db-02', 'verified']]);
    expect(await stateOf(id)).toBe('rolled-back');
  }, 300_000);

  it('a full rollback of a completed change makes it rolled-back: state, thread, card, ticket and a rescan agree', async () => {
    const id = await runChange('gw', 'completed');
    expect(fleet.installed('gw-01').openssl).toBe(NEW);
    const rollbackId = await rollBack(id, 'completed');

    expect(fleet.installed('gw-01')).toMatchObject({ openssl: OLD, 'libssl3:amd64': OLD });
    expect(await stateOf(id)).toBe('rolled-back');
    expect(await runtime.store.changes.get(rollbackId)).toMatchObject({ parentId: id, state: 'completed' });
    const finding = (await runtime.store.findings.byHost('gw-01')).find((f) => f.patchId === PATCH);
    expect(finding?.state).toBe('missing');

    const told = await until('the rolled-back notice in the thread', async () => (await thread(id)).replies.find((m) => m.card?.title === `${id}: rolled back`), SHOWN_MS);
    expect(told.card?.text).toBe(`${rollbackId} restored every host that ran ${id}.`);
    await until('the card to say rolled-back', async () => (await cardState(id)) === 'rolled-back', SHOWN_MS);
    const audit: string[] = [];
    for await (const event of runtime.store.audit.read()) if (event.subject === id) audit.push(event.action);
    expect(audit.slice(-2)).toEqual(['change.rollback-requested', 'change.rolled-back']);

    const ticket = await ticketOf(id);
    expect(ticket.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^Completed successfully: 1 of 1 host patched/), expect.stringMatching(/^Rolled back \(backed out\): /)]));
    // The ticket ends as the change does: backed out, closed unsuccessful.
    expect(ticket.fields).toMatchObject({ close_code: 'unsuccessful', close_notes: expect.stringMatching(/^Backed out: /) });
  }, 180_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adfPlainText } from '../../adapters/jira/adf.ts';
import type { StoreHandle } from '../../src/platform.ts';
import { kickRollout } from '../../src/rollouts/run/rollout-jobs.ts';
import { type Runtime, startRuntime } from '../../src/service/runtime.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { type FakeJira, startFakeJira } from '../support/fake-jira.ts';
import { type FakeServiceNow, startFakeServiceNow } from '../support/fake-servicenow.ts';
import { platform } from '../support/platform.ts';
import { whenText } from '../../src/rollouts/time-text.ts';
import { utcText } from '../../src/tickets/ticket-doc.ts';
import { ask, estateConfig, firstLines, PATCH, seedEstate, TEST_PACING, until } from './ticket-harness.ts';

/**
 * A normal change proposed `at now` during a blackout, on a clock the test moves, with the real
 * ITSM adapters against their loopback fakes: it waits for the blackout's end and says so (card,
 * thread, ticket), never calling itself an emergency; an emergency proposed in the same blackout
 * runs over it and says which blackout it overrode; so does a rollback asked for in the blackout.
 */
interface Itsm {
  name: 'servicenow' | 'jira';
  start(): Promise<{ yaml: string[]; stop: () => Promise<void> }>;
  ticket(key: string): { description: string; notes: string[] };
}

let sn: FakeServiceNow;
let jira: FakeJira;
const itsms: Itsm[] = [
  {
    name: 'servicenow',
    async start() {
      sn = await startFakeServiceNow();
      const c = sn.config();
      return { yaml: ['itsm:', '  kind: servicenow', `  servicenow: { instanceUrl: "${c.instanceUrl}", username: ${c.username}, password: ${c.password} }`], stop: () => sn.stop() };
    },
    ticket: (key) => ({ description: String(sn.change(key).fields.description), notes: sn.workNotes(key) }),
  },
  {
    name: 'jira',
    async start() {
      jira = await startFakeJira();
      const c = jira.config();
      return {
        yaml: ['itsm:', '  kind: jira', `  jira: { baseUrl: "${c.baseUrl}", email: ${c.email}, apiToken: ${c.apiToken}, projectKey: ${c.projectKey}, issueType: Change }`],
        stop: () => jira.stop(),
      };
    },
    ticket: (key) => ({ description: adfPlainText(jira.issue(key).fields.description), notes: jira.comments(key).map(adfPlainText) }),
  },
];

// Chat handlers read the real clock, the orchestrator the test's: the blackout is around real now.
const MINUTE = 60_000;
const from = new Date(Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE);
const to = new Date(from.getTime() + 4 * 60 * MINUTE);
const BLACKOUT = ['blackouts:', `  - { name: freeze, from: "${from.toISOString()}", to: "${to.toISOString()}", reason: launch }`];
const ends = whenText(to, 'UTC');

describe.each(itsms)('at now during a blackout, itsm.kind $name', (itsm) => {
  let clock: Date | null = null; // real time (inside the freeze) until the test moves it
  let runtime: Runtime;
  let handle: StoreHandle;
  let stopFake: () => Promise<void>;

  beforeAll(async () => {
    const fake = await itsm.start();
    stopFake = fake.stop;
    const config = await estateConfig([...fake.yaml, ...BLACKOUT]);
    handle = await platform.openStore(config.store.url, { migrate: true });
    runtime = await startRuntime({ config, platform, log: createLogger({ level: 'silent' }), handle, workers: true, ticketSync: TEST_PACING, now: () => clock ?? new Date() });
    await seedEstate(runtime);
  }, 120_000);
  afterAll(async () => {
    await runtime?.stop();
    await handle?.close();
    await stopFake?.();
  });

  const ticketOf = async (id: string) => {
    const link = await until(`the ticket of ${id}`, async () => (await runtime.store.tickets.forChange(id))[0]);
    return itsm.ticket(link.key);
  };
  const statusOf = async (id: string) => (await runtime.store.rollouts.progress(id))?.status ?? '';
  const whenOnCard = async (id: string) => ((await ask(runtime, 'erin', `show ${id}`)).public?.fields ?? []).find((f) => f.label === 'When')?.value;

  it('a normal change waits for the blackout to end and says who asked for the immediate start; an emergency runs over it', async () => {
    const normal = String((await ask(runtime, 'alice', `propose ${PATCH} to canary prod-web at now`)).data?.change);
    const waits = `Immediate start requested by alice: blackout freeze (launch) is in force, so it starts ${ends} at the earliest`;
    expect(await whenOnCard(normal)).toBe(waits);
    const opened = await ticketOf(normal);
    expect(opened.description).toContain(`${waits}. Planned: From ${utcText(to)}.`);
    for (const voter of ['bob', 'carol', 'dave']) await ask(runtime, voter, `approve ${normal}`);
    await until('the normal change to wait for the blackout', async () =>
      (await statusOf(normal)).includes(
        `Immediate start requested by alice: blackout freeze (launch) is in force (only emergencies and rollbacks start during a blackout); it starts when the blackout ends, ${ends}.`,
      ),
    );
    expect((await runtime.store.changes.get(normal))?.state).toBe('scheduled');
    expect(await runtime.store.rollouts.runs(normal)).toEqual([]);

    // The same blackout does not hold an emergency: it runs, and the ticket names what it overrode.
    const emergency = String((await ask(runtime, 'alice', `propose ${PATCH} to canary at now emergency`)).data?.change);
    await ask(runtime, 'dave', `approve ${emergency}`);
    await until('the emergency to complete', async () => (await runtime.store.changes.get(emergency))?.state === 'completed', 60_000);
    await until('the emergency ticket to hear it started', async () =>
      firstLines((await ticketOf(emergency)).notes).includes('Implementation started: Window now (emergency): starting immediately, overriding blackout freeze (launch).'),
    );
    expect((await runtime.store.changes.get(normal))?.state).toBe('scheduled');

    // The blackout ends: the normal change starts, as an immediate start, never as an emergency.
    clock = new Date(to.getTime() + 30_000);
    await kickRollout(runtime, normal, 'blackout-over');
    await until('the normal change to complete', async () => (await runtime.store.changes.get(normal))?.state === 'completed', 60_000);
    const notes = await until('the ticket to hear it started', async () => {
      const lines = firstLines((await ticketOf(normal)).notes);
      // A dry run (the default): its end cancels the ticket, saying so (lifecycle.ts).
      return lines.some((l) => l.startsWith('Dry run completed')) && lines;
    });
    expect(notes).toContain('Implementation started: Immediate start requested by alice: starting immediately.');
    const told = [(await ticketOf(normal)).description, ...notes, await statusOf(normal), (await whenOnCard(normal)) ?? ''].join('\n');
    expect(told).not.toMatch(/emergency/i);

    // Back inside the freeze, a rollback is not held back by it: a freeze holds changes, not their undoing.
    clock = null;
    const rollback = String((await ask(runtime, 'dave', `rollback ${normal}`)).data?.rollback);
    expect(rollback).toMatch(/^CHG-\d+$/);
    await until('the rollback to finish', async () => ['completed', 'rolled-back'].includes((await runtime.store.changes.get(rollback))?.state ?? ''), 60_000);
    const started = `Backout ${rollback} started: Rollback of ${normal} requested by dave: starting immediately, overriding blackout freeze (launch).`;
    await until('the ticket to hear the backout started over the blackout', async () => firstLines((await ticketOf(normal)).notes).includes(started));
  }, 240_000);
});

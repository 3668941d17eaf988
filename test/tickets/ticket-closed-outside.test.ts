import { afterEach, describe, expect, it } from 'vitest';
import { type FakeServiceNow, startFakeServiceNow } from '../support/fake-servicenow.ts';
import { consoleHistoryOf } from '../support/console-history.ts';
import { ask, firstLines, PATCH, settledOutbox, startTicketRuntime, type TicketRuntime, threadTitles, until } from './ticket-harness.ts';

/**
 * Someone cancels the change request in ServiceNow by hand while patchbot's change goes on: the
 * ticket is not moved back, its notes still arrive, and the change's thread hears it once.
 */
const running: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});

describe('a ticket cancelled in ServiceNow by hand', () => {
  it('is said once in the change thread; the rollout goes on and its notes reach the ticket', async () => {
    const sn: FakeServiceNow = await startFakeServiceNow();
    running.push(sn);
    const c = sn.config();
    const harness: TicketRuntime = await startTicketRuntime([
      'itsm:',
      '  kind: servicenow',
      `  servicenow: { instanceUrl: "${c.instanceUrl}", username: ${c.username}, password: ${c.password} }`,
    ]);
    running.unshift(harness);
    const { runtime } = harness;

    const id = String((await ask(runtime, 'alice', `propose ${PATCH} to canary prod-web at now`)).data?.change);
    const { key } = await until('the ticket to be opened', async () => (await runtime.store.tickets.forChange(id))[0]);
    sn.setStateByHand(key, '4');
    await ask(runtime, 'dave', `approve ${id}`);
    await until('the change to complete', async () => (await runtime.store.changes.get(id))?.state === 'completed');
    await settledOutbox(runtime, id);

    const title = `${id}: ${key} was closed in ServiceNow, not by patchbot`;
    await until('the notice in the thread', async () => (await threadTitles(runtime)).includes(title));
    expect((await threadTitles(runtime)).filter((t) => t === title)).toHaveLength(1);
    const text = (await consoleHistoryOf(runtime).recent('approvals', null, 200)).find((m) => m.card?.title === title)?.card?.text;
    expect(text).toContain(`${key} is Canceled in ServiceNow, though ${id} is not over`);
    expect(sn.change(key).state).toBe('4');
    expect(firstLines(sn.workNotes(key))).toEqual([
      'Approved in patchbot by dave.',
      expect.stringMatching(/^Implementation started/),
      expect.stringMatching(/^Wave 1 of 2 done/),
      expect.stringMatching(/^Wave 2 of 2 done/),
      expect.stringMatching(/^Dry run completed/),
    ]);
    expect((await runtime.store.tickets.forChange(id))[0]?.state).toBe('Canceled');
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adfPlainText } from '../../adapters/jira/adf.ts';
import { loadApprovalCard } from '../../src/chat/changes/load-card.ts';
import { type FakeJira, startFakeJira } from '../support/fake-jira.ts';
import { type FakeServiceNow, startFakeServiceNow } from '../support/fake-servicenow.ts';
import { ask, firstLines, PATCH, settledOutbox, stampsOf, startTicketRuntime, type TicketRuntime, until } from './ticket-harness.ts';

/**
 * The rollout dry run end to end with a real ITSM adapter against its loopback fake: the ticket
 * is opened at proposal, approved, noted per wave and, as nothing was implemented, cancelled rather
 * than closed successful (reports read the close code), all through the outbox.
 */
interface Itsm {
  name: 'servicenow' | 'jira';
  start(): Promise<{ yaml: string[]; stop: () => Promise<void> }>;
  /** The ticket's final state and its notes, oldest first. */
  ticket(key: string): { state: string; notes: string[]; fields: Record<string, unknown> };
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
    ticket: (key) => ({ state: sn.change(key).state, notes: sn.workNotes(key), fields: sn.change(key).fields }),
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
    ticket: (key) => {
      const issue = jira.issue(key);
      return { state: issue.status, notes: jira.comments(key).map(adfPlainText), fields: issue.fields };
    },
  },
];

describe.each(itsms)('a rollout with itsm.kind $name', (itsm) => {
  let harness: TicketRuntime;
  let stopFake: () => Promise<void>;

  beforeAll(async () => {
    const fake = await itsm.start();
    stopFake = fake.stop;
    harness = await startTicketRuntime(fake.yaml);
  }, 120_000);
  afterAll(async () => {
    await harness?.stop();
    await stopFake?.();
  });

  it('tells the ticket the whole story: created, approved, a note per wave, cancelled as a dry run', async () => {
    const { runtime } = harness;
    const proposed = await ask(runtime, 'alice', `propose ${PATCH} to canary prod-web at now`);
    const id = String(proposed.data?.change);
    const link = await until('the ticket to be opened and linked', async () => (await runtime.store.tickets.forChange(id))[0]);
    expect(link).toMatchObject({ system: itsm.name, key: expect.any(String) });
    // The approvers see the ticket on the card they vote on.
    const card = await loadApprovalCard(runtime.store, (await runtime.store.changes.get(id))!, { schedule: runtime.config, now: new Date() });
    expect(card.fields?.find((f) => f.label === 'Tickets')?.value).toContain(link.key);

    expect((await ask(runtime, 'dave', `approve ${id}`)).data).toMatchObject({ decided: 'approved' });
    await until('the change to complete', async () => (await runtime.store.changes.get(id))?.state === 'completed');
    const entries = await settledOutbox(runtime, id);
    // The changes list says so too: "completed" alone would read as patched.
    const listed = await ask(runtime, 'alice', 'changes');
    expect(JSON.stringify(listed.public?.lists)).toContain(`\`${id}\` completed (dry run)`);

    expect(entries.map((e) => [e.seq, e.event.kind, e.state])).toEqual([
      [1, 'proposed', 'sent'],
      [2, 'approved', 'sent'],
      [3, 'note', 'sent'],
      [4, 'wave', 'sent'],
      [5, 'wave', 'sent'],
      [6, 'completed', 'sent'],
    ]);
    const ticket = itsm.ticket(link.key);
    expect(firstLines(ticket.notes)).toEqual([
      'Approved in patchbot by dave.',
      expect.stringMatching(/^Implementation started/),
      // A dry run: every note says so, and none says patched.
      'Wave 1 of 2 done (dry run: nothing was changed on the hosts): 1 would patch, 0 failed, 0 skipped (1 host).',
      'Wave 2 of 2 done (dry run: nothing was changed on the hosts): 3 would patch, 0 failed, 0 skipped (3 hosts).',
      'Dry run completed: 4 of 4 hosts would be patched (dry run). Dry run: nothing was changed on the hosts. Cancelled, not closed successful: nothing was implemented.',
    ]);
    expect(stampsOf(ticket.notes)).toEqual([`${id}.2`, `${id}.3`, `${id}.4`, `${id}.5`, `${id}.6`]);
    if (itsm.name === 'servicenow') {
      expect(ticket.state).toBe('4');
      expect(ticket.fields.close_code).toBeUndefined();
      expect(ticket.fields).toMatchObject({ correlation_id: id, short_description: `${id}: ${PATCH} to canary, prod-web` });
      expect(ticket.fields.implementation_plan).toContain('apply-debian-packages: install exactly what was approved');
      expect(ticket.fields.backout_plan).toMatch(/1\. \S+: /);
      expect(ticket.fields.test_plan).toContain('rescan');
      expect(ticket.fields.description).toContain('prod-web (3 hosts)\n\n- web-01\n- web-02\n- web-03');
    } else {
      expect(ticket.state).toBe('Canceled');
      expect(ticket.fields.labels).toEqual(expect.arrayContaining(['patchbot', `patchbot-${id}`]));
      expect(jira.violations).toEqual([]);
    }
    // The link follows the ticket's state.
    expect((await runtime.store.tickets.forChange(id))[0]?.state).toBe('Canceled');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/service/start-service.ts';
import { type FakeJira, startFakeJira } from '../support/fake-jira.ts';
import { type FakeServiceNow, startFakeServiceNow } from '../support/fake-servicenow.ts';
import { auditOf, ITSM_SECRET, jiraItsmLine, proposeAndWait, serviceNowItsm, startItsmService, stateOf } from './itsm-harness.ts';
import { settledOutbox, until } from './ticket-harness.ts';

/**
 * An approval read met by a 429 waits what the ITSM asked (Retry-After), not the job queue's fixed
 * 5–10 s first retry: read again that soon, a rate-limited ITSM refuses again. The real service and
 * its queue, the vendor's loopback fake answering the read with 429 and Retry-After.
 */
const WAIT_S = 15;
const PEOPLE = [
  'people:',
  '  - { name: alice, email: alice@example.com, jira: acc-alice, servicenow: alice.liddell, roles: [oncall] }',
  '  - { name: dave, email: dave@example.com, jira: acc-dave, servicenow: dave.d, roles: [cab, oncall] }',
];

const running: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (running.length) await running.pop()!();
});

interface Setup {
  fake: FakeServiceNow | FakeJira;
  service: RunningService;
  ready: (key: string) => boolean;
  approve: (key: string) => void;
  nudge: (key: string) => Promise<{ status: number }>;
}

const setups: Record<'servicenow' | 'jira', () => Promise<Setup>> = {
  servicenow: async () => {
    const sn = await startFakeServiceNow({ approvers: ['CAB Manager'] });
    running.push(() => sn.stop());
    const service = await startItsmService([...PEOPLE, ...serviceNowItsm(sn)]);
    running.push(() => service.stop('test over'));
    return {
      fake: sn,
      service,
      ready: (k) => sn.change(k).state === '-4',
      approve: (k) => sn.approve(k, 'CAB Manager'),
      nudge: (k) => sn.fireWebhook(`${service.url}/itsm/servicenow`, k, ITSM_SECRET),
    };
  },
  jira: async () => {
    const jira = await startFakeJira();
    running.push(() => jira.stop());
    const service = await startItsmService([...PEOPLE, 'approval: { source: both }', 'itsm:', '  kind: jira', jiraItsmLine(jira)]);
    running.push(() => service.stop('test over'));
    return {
      fake: jira,
      service,
      ready: (k) => jira.issue(k).status === 'Awaiting approval',
      approve: (k) => jira.setApproval(k, 'approved', [{ name: 'Dave Jones', accountId: 'acc-dave', decision: 'approved' }]),
      nudge: (k) => jira.fireWebhook(`${service.url}/itsm/jira`, k, ITSM_SECRET),
    };
  },
};

describe.each(['servicenow', 'jira'] as const)('%s answers an approval read with 429 and Retry-After', (system) => {
  it(`reads again after the ${WAIT_S} s it asked for, then applies the approval`, async () => {
    const { fake, service, ready, approve, nudge } = await setups[system]();
    const { id, key } = await proposeAndWait(service, ready);
    // Nothing else is under way: the next request to the ITSM is the approval check's.
    await settledOutbox(service.runtime, id);
    approve(key);
    const before = fake.requests.length;
    fake.rateLimit(1, WAIT_S);
    expect((await nudge(key)).status).toBe(202);
    await until('the change to be approved', async () => (await stateOf(service, id)) !== 'pending-approval', 60_000);

    const after = fake.requests.slice(before);
    expect(after[0]?.status).toBe(429);
    // The first read after the 429, not the queue's retry 5–10 s later.
    const waited = after[1]!.at - after[0]!.at;
    expect(waited).toBeGreaterThanOrEqual(WAIT_S * 1000 - 500);
    expect(waited).toBeLessThan(WAIT_S * 1000 + 10_000);
    expect((await auditOf(service, id)).map((e) => e.action)).toContain('change.approved');
  }, 120_000);
});

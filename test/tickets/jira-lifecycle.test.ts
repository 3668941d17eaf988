import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adfPlainText } from '../../adapters/jira/adf.ts';
import { jiraTicketing } from '../../adapters/jira/jira-ticketing.ts';
import { unescapeWiki } from '../../adapters/jira/wiki.ts';
import type { Ticketing } from '../../src/tickets/ticketing.ts';
import { type FakeJira, startFakeJira } from '../support/fake-jira.ts';
import { draft, ev } from './drafts.ts';

describe.each(['cloud', 'datacenter'] as const)('Jira %s ticket lifecycle (against the loopback fake)', (deployment) => {
  const cloud = deployment === 'cloud';
  let jira: FakeJira;
  let tickets: Ticketing;
  /** Comment texts as a person reads them, oldest first. */
  /** The identity the fake gives an approver with no id of its own: derived from the display name. */
  const idOf = (slug: string) => ({ id: cloud ? `acc-${slug}` : slug, verifiedEmail: null });
  const texts = (key: string) => jira.comments(key).map((body) => (cloud ? adfPlainText(body) : unescapeWiki(body as string)));

  beforeAll(async () => {
    jira = await startFakeJira({ deployment });
    tickets = jiraTicketing(jira.config(), { timeoutMs: 5_000 });
  });
  afterAll(() => jira.stop());

  it('runs a normal change: created, approved, a comment per wave, completed', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-401' }));
    expect(ref).toEqual({ system: 'jira', key: 'OPS-1', url: `${jira.url}/browse/OPS-1` });
    const issue = jira.issue('OPS-1');
    expect(issue.status).toBe('Open');
    expect(issue.fields).toMatchObject({ summary: 'CHG-401: Apply DSA-5600-1 (openssl) to web', labels: ['patchbot', 'patchbot-CHG-401'], issuetype: { name: 'Change' } });
    if (cloud) {
      expect(issue.fields.description).toMatchObject({ type: 'doc', version: 1 });
      expect(adfPlainText(issue.fields.description)).toContain('web (3 hosts)\nweb-02\nweb-03\nweb-04');
    } else {
      expect(issue.fields.description).toEqual(expect.stringContaining('h3. Hosts'));
      expect(issue.fields.description).toEqual(expect.stringContaining('* web\\-02'));
      expect(issue.fields.description).toEqual(expect.stringContaining('# apt\\-get install \\-y \\-\\-only\\-upgrade openssl'));
    }

    expect(await tickets.record(ref, ev.approved(['alice']))).toEqual({ state: 'Scheduled', skipped: false });
    expect(await tickets.record(ref, ev.wave(1, 2, 1))).toEqual({ state: 'Implementing', skipped: false });
    expect(await tickets.record(ref, ev.wave(2, 2, 3))).toEqual({ state: 'Implementing', skipped: false });
    expect(await tickets.record(ref, ev.completed())).toEqual({ state: 'Completed', skipped: false });
    expect(jira.issue('OPS-1').status).toBe('Completed');
    expect(texts('OPS-1').map((t) => t.split('\n')[0])).toEqual([
      'Approved in patchbot by alice.',
      'Wave 1 of 2 done: 1 ok, 0 failed, 0 skipped (1 host).',
      'Wave 2 of 2 done: 3 ok, 0 failed, 0 skipped (3 hosts).',
      'Completed successfully: 4 of 4 hosts patched; rescan shows DSA-5600-1 installed',
    ]);
    expect(texts('OPS-1').every((t) => /\[patchbot event ev-\d+\]$/.test(t))).toBe(true);
  });

  it('runs an emergency change approved in Service Management that halts and is backed out', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-402', changeClass: 'emergency', approvalInItsm: true }));
    expect(jira.issue(ref.key).status).toBe('Awaiting approval');
    expect(jira.issue(ref.key).fields.labels).toContain('emergency-change');
    expect(await tickets.approvalOf(ref)).toEqual({ state: 'not-requested', decisions: [] });

    jira.setApproval(ref.key, 'pending', [{ name: 'Carol CAB', decision: 'pending' }]);
    expect((await tickets.approvalOf(ref)).state).toBe('requested');
    jira.setApproval(ref.key, 'approved', [{ name: 'Carol CAB', decision: 'approved' }]);
    expect(await tickets.approvalOf(ref)).toEqual({ state: 'approved', decisions: [{ approver: 'Carol CAB', identity: idOf('carol-cab'), decision: 'approved' }] });

    await tickets.record(ref, ev.approved(['Carol CAB']));
    await tickets.record(ref, ev.wave(1, 2, 0, 1));
    expect(await tickets.record(ref, ev.halted())).toEqual({ state: 'Implementing', skipped: false });
    expect(await tickets.record(ref, ev.rolledBack())).toEqual({ state: 'Failed', skipped: false });
    expect(texts(ref.key).map((t) => t.split(/[:\n]/)[0])).toEqual(['Approved in patchbot by Carol CAB.', 'Wave 1 of 2 done', 'Halted', 'Rolled back (backed out)']);
  });

  it('reads a Service Management decline as rejected and declines the issue', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-403', approvalInItsm: true }));
    jira.setApproval(ref.key, 'declined', [
      { name: 'Carol CAB', decision: 'declined' },
      { name: 'Dan', decision: 'approved' },
    ]);
    expect(await tickets.approvalOf(ref)).toEqual({
      state: 'rejected',
      decisions: [
        { approver: 'Carol CAB', identity: idOf('carol-cab'), decision: 'rejected' },
        { approver: 'Dan', identity: idOf('dan'), decision: 'approved' },
      ],
    });
    expect(await tickets.record(ref, ev.rejected())).toEqual({ state: 'Declined', skipped: false });
  });

  it('reads every page of approvals: a pending step after the first 50 keeps the change waiting', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-408', approvalInItsm: true }));
    const approved = Array.from({ length: 50 }, (_, i) => ({ finalDecision: 'approved' as const, approvers: [{ name: `Approver ${i}`, decision: 'approved' as const }] }));
    jira.setApprovals(ref.key, [...approved, { finalDecision: 'pending', approvers: [{ name: 'Carol CAB', decision: 'pending' }] }]);
    const approval = await tickets.approvalOf(ref);
    expect(approval.state).toBe('requested');
    expect(approval.decisions).toHaveLength(51);
    expect(approval.decisions.at(-1)).toEqual({ approver: 'Carol CAB', identity: idOf('carol-cab'), decision: 'requested' });
  });

  it('identifies approvers by account id (Cloud) or username (Data Center), and trusts an e-mail only where Atlassian verified it', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-409', approvalInItsm: true }));
    jira.setApproval(ref.key, 'approved', [
      { name: 'dave', accountId: '5b10ac8d82e05b22cc7d4ef5', username: 'mallory', emailAddress: 'mallory@example.com', decision: 'approved' },
      { name: 'Hidden Address', decision: 'approved' },
    ]);
    const { decisions } = await tickets.approvalOf(ref);
    // The display name "dave" labels the approver and identifies nobody.
    expect(decisions).toEqual([
      { approver: 'dave', identity: cloud ? { id: '5b10ac8d82e05b22cc7d4ef5', verifiedEmail: 'mallory@example.com' } : { id: 'mallory', verifiedEmail: null }, decision: 'approved' },
      { approver: 'Hidden Address', identity: idOf('hidden-address'), decision: 'approved' },
    ]);
  });

  it('walks a change completed straight from Scheduled through Implementing, and leaves post-review ones in review', async () => {
    const direct = await tickets.open(draft({ changeId: 'CHG-404' }));
    await tickets.record(direct, ev.approved());
    expect(await tickets.record(direct, ev.completed('unsuccessful'))).toEqual({ state: 'Failed', skipped: false });

    const reviewed = await tickets.open(draft({ changeId: 'CHG-405', changeClass: 'emergency' }));
    await tickets.record(reviewed, ev.approved());
    await tickets.record(reviewed, ev.wave(1, 1, 4));
    expect(await tickets.record(reviewed, ev.completed('successful', true))).toEqual({ state: 'In review', skipped: false });
  });

  it('cancels, expires, and keeps commenting on a finished issue', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-406' }));
    expect(await tickets.record(ref, ev.expired())).toEqual({ state: 'Canceled', skipped: false });
    expect(await tickets.record(ref, ev.note('Superseded by CHG-9.'))).toEqual({ state: 'Canceled', skipped: false });
    expect(texts(ref.key)[1]).toContain('Superseded by CHG-9.');
  });

  it("shortens a note over Jira's 32,767-character comment limit, keeping its stamp, so a retry still finds it", async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-407' }));
    // Dashes: Data Center's wiki escaping doubles them, so the text alone is not what must fit.
    const long = ev.note(`Halted on web-01: ${'-'.repeat(40_000)} end of output`);
    expect(await tickets.record(ref, long)).toEqual({ state: 'Open', skipped: false });
    const [sent] = jira.comments(ref.key).slice(-1);
    expect((typeof sent === 'string' ? sent : JSON.stringify(sent)).length).toBeLessThanOrEqual(32_767);
    const text = texts(ref.key).at(-1)!;
    expect(text).toMatch(/^Halted on web-01: -+… \[shortened by patchbot to fit Jira's 32767-character limit: \d+ of 40032 characters left out\]\n\[patchbot event ev-\d+\]$/);
    expect(await tickets.record(ref, long)).toEqual({ state: 'Open', skipped: true });
  });

  it('sent only bodies valid under the vendored Jira schemas', () => {
    expect(jira.requests.filter((r) => r.method === 'POST').length).toBeGreaterThan(20);
    expect(jira.violations).toEqual([]);
  });
});

describe('Jira custom fields', () => {
  let jira: FakeJira;
  beforeAll(async () => {
    jira = await startFakeJira({
      customFields: {
        customfield_10010: { kind: 'select', name: 'Change type', options: ['Standard', 'Normal', 'Emergency'] },
        customfield_10011: { kind: 'select', name: 'Change risk', options: ['Low', 'Medium', 'High'] },
        customfield_10012: { kind: 'select', name: 'Impact', options: ['Low', 'Medium', 'High'] },
        customfield_10013: 'datetime',
        customfield_10014: 'datetime',
        customfield_10015: 'textarea',
        customfield_10016: 'textarea',
        customfield_10017: 'textarea',
        customfield_10018: 'string',
      },
    });
  });
  afterAll(() => jira.stop());

  it('fills the mapped fields and keeps the plans out of the description', async () => {
    const fields = {
      changeType: 'customfield_10010',
      risk: 'customfield_10011',
      impact: 'customfield_10012',
      plannedStart: 'customfield_10013',
      plannedEnd: 'customfield_10014',
      implementationPlan: 'customfield_10015',
      backoutPlan: 'customfield_10016',
      testPlan: 'customfield_10017',
      changeId: 'customfield_10018',
    };
    const ref = await jiraTicketing(jira.config({ fields })).open(draft({ changeId: 'CHG-410', risk: 'high' }));
    const issue = jira.issue(ref.key).fields;
    expect(issue).toMatchObject({
      customfield_10010: { value: 'Normal' },
      customfield_10011: { value: 'High' },
      customfield_10012: { value: 'Medium' },
      customfield_10013: '2024-01-20T02:00:00.000+0000',
      customfield_10014: '2024-01-20T04:00:00.000+0000',
      customfield_10018: 'CHG-410',
    });
    expect(adfPlainText(issue.customfield_10016)).toBe('xargs -a /var/tmp/patchbot-before apt-get install -y --allow-downgrades');
    expect(adfPlainText(issue.description)).not.toContain('Implementation plan');
    expect(jira.violations).toEqual([]);
  });
});

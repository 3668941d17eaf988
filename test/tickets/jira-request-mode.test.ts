import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jiraTicketing } from '../../adapters/jira/jira-ticketing.ts';
import { unescapeWiki } from '../../adapters/jira/wiki.ts';
import { type FakeJira, startFakeJira } from '../support/fake-jira.ts';
import { draft, ev } from './drafts.ts';

const REQUEST_TYPE = { serviceDeskId: '4', id: '25', fields: ['summary', 'description', 'labels', 'customfield_10004', 'customfield_10013'] };

describe('Jira Service Management: changes raised through the request API', () => {
  let jira: FakeJira;
  beforeAll(async () => {
    jira = await startFakeJira({
      customFields: {
        customfield_10004: { kind: 'select', name: 'Impact', options: ['Extensive / Widespread', 'Significant / Large', 'Moderate / Limited', 'Minor / Localized'] },
        customfield_10013: { kind: 'datetime', name: 'Planned start' },
        customfield_10099: { kind: 'string', name: 'Not on the form' },
      },
      requestType: REQUEST_TYPE,
    });
  });
  afterAll(() => jira.stop());

  const requestConfig = (extra = {}) =>
    jira.config({ mode: 'request', serviceDeskId: '4', requestTypeId: '25', fields: { impact: 'customfield_10004', plannedStart: 'customfield_10013' }, ...extra });

  it('creates a service request of the configured type, so its approvals apply', async () => {
    const tickets = jiraTicketing(requestConfig());
    expect((await tickets.prepare!()).lines[0]).toBe('creates Service Management requests (request type 25 of service desk 4)');
    const ref = await tickets.open(draft({ changeId: 'CHG-701', impact: 'low' }));
    const issue = jira.issue(ref.key);
    expect(issue.requestTypeId).toBe('25');
    expect(issue.fields).toMatchObject({ labels: ['patchbot', 'patchbot-CHG-701'], customfield_10004: { id: '10103' }, customfield_10013: '2024-01-20T02:00:00.000+0000' });
    expect(unescapeWiki(issue.fields.description as string)).toContain('web-02');
    // A request is what JSM approvals hang on: the approval endpoint answers (none requested yet).
    expect(await tickets.approvalOf(ref)).toEqual({ state: 'not-requested', decisions: [] });
    jira.setApproval(ref.key, 'approved', [{ name: 'Carol CAB', decision: 'approved' }]);
    expect((await tickets.approvalOf(ref)).state).toBe('approved');
    expect(await tickets.record(ref, ev.approved(['Carol CAB']))).toEqual({ state: 'Scheduled', skipped: false });
  });

  it('finds the request again after the answer to its create is lost', async () => {
    const tickets = jiraTicketing(requestConfig());
    jira.dropNext(1, 'after', { method: 'POST', path: /^\/rest\/servicedeskapi\/request$/ });
    await expect(tickets.open(draft({ changeId: 'CHG-702' }))).rejects.toMatchObject({ kind: 'retryable' });
    const ref = await tickets.open(draft({ changeId: 'CHG-702' }), { retry: true });
    expect(
      jira
        .issues()
        .filter((i) => (i.fields.labels as string[]).includes('patchbot-CHG-702'))
        .map((i) => i.key),
    ).toEqual([ref.key]);
  });

  it('refuses a request type without Labels on its form, and a field that is not on it', async () => {
    const noLabels = await startFakeJira({ requestType: { ...REQUEST_TYPE, fields: ['summary', 'description'] } });
    try {
      await expect(jiraTicketing(noLabels.config({ mode: 'request', serviceDeskId: '4', requestTypeId: '25' })).prepare!()).rejects.toThrow(
        'request type 25 of service desk 4 has no Labels field on its form',
      );
    } finally {
      await noLabels.stop();
    }
    await expect(jiraTicketing(requestConfig({ fields: { changeId: 'customfield_10099' } })).prepare!()).rejects.toThrow(
      'itsm.jira.fields.changeId: customfield_10099 is not on request type 25 of service desk 4',
    );
    await expect(jiraTicketing(requestConfig({ requestTypeId: '26' })).prepare!()).rejects.toMatchObject({ kind: 'rejected', status: 404 });
  });
});

import { createHmac, randomUUID } from 'node:crypto';
import type { FakeReply } from './http-fake.ts';
import type { FakeApproval, FakeIssue } from './jira-issues.ts';

/** A User as Jira shows it: Cloud by accountId (no username any more), Data Center by username and key. */
const userOf = (p: FakeApproval['approvers'][number], cloud: boolean) => {
  const slug = p.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const email = p.emailAddress === undefined ? {} : { emailAddress: p.emailAddress };
  if (cloud) {
    const accountId = p.accountId ?? `acc-${slug}`;
    const self = `http://jira.invalid/rest/api/2/user?accountId=${accountId}`;
    return { accountId, ...email, displayName: p.name, active: true, timeZone: 'Etc/UTC', _links: { jiraRest: self, self } };
  }
  const username = p.username ?? slug;
  return {
    key: `JIRAUSER${10000 + username.length}`,
    name: username,
    ...email,
    displayName: p.name,
    active: true,
    timeZone: 'Etc/UTC',
    _links: { self: `http://jira.invalid/rest/api/2/user?username=${username}` },
  };
};

/** GET /rest/servicedeskapi/request/<key>/approval: a service request's approvals, each approver a real User object. */
export const approvalsOf = (issue: FakeIssue, cloud: boolean, query: URLSearchParams): FakeReply => {
  if (issue.approvals === null)
    return { status: 404, body: { errorMessage: `The request ${issue.key} is not a service request.`, i18nErrorMessage: { i18nKey: 'sd.request.error.notfound', parameters: [] } } };
  const all = issue.approvals.map((a) => ({
    id: a.id,
    name: 'Change approval',
    finalDecision: a.finalDecision,
    canAnswerApproval: false,
    approvers: a.approvers.map((p) => ({ approver: userOf(p, cloud), approverDecision: p.decision })),
  }));
  // Paged as servicedeskapi pages every list: `start`, `limit` (default 50), `isLastPage`.
  const start = Number(query.get('start') ?? 0);
  const limit = Math.min(Number(query.get('limit') ?? 50), 50);
  const values = all.slice(start, start + limit);
  return { status: 200, body: { size: values.length, start, limit, isLastPage: start + limit >= all.length, values } };
};

/**
 * A jira:issue_updated delivery as Jira sends it when an approval moves the issue: signed with the
 * webhook secret (X-Hub-Signature) and identified (X-Atlassian-Webhook-Identifier). `tamper`
 * changes the body after signing, to `tamperedKey`.
 */
export const issueUpdated = (issue: FakeIssue, secret: string, how: { tamper?: boolean; deliveryId?: string; tamperedKey: string }) => {
  const body = JSON.stringify({
    timestamp: Date.now(),
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: 'issue_generic',
    user: { accountId: 'acc-cab', displayName: 'CAB' },
    issue: { id: issue.id, key: issue.key, fields: { status: { name: issue.status } } },
    changelog: { items: [{ field: 'status', fromString: 'Awaiting approval', toString: issue.status }] },
  });
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return {
    body: how.tamper ? body.replace(issue.key, how.tamperedKey) : body,
    headers: { 'x-hub-signature': signature, 'x-atlassian-webhook-identifier': how.deliveryId ?? randomUUID() },
  };
};

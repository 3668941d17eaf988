import type { JiraConfig } from '../../src/config/schema-itsm.ts';
import { approvalsOf, issueUpdated } from './fakes/jira-approvals.ts';
import { type FakeReply, type FakeRequest, type FaultMatch, LoopbackFake, postWebhook } from './fakes/http-fake.ts';
import { changelogPage, issueView, takeTransition, transitionList } from './fakes/jira-transitions.ts';
import {
  createFieldErrors,
  type CustomFieldKind,
  DEFAULT_WORKFLOW,
  type FakeApproval,
  type FakeIssue,
  type FakeWorkflow,
  jqlMatcher,
  requestProblems,
  richTextProblems,
  jiraTime,
} from './fakes/jira-issues.ts';
import { createMeta, type FakeRequestType, requestProblems as requestTypeProblems, requestTypeForm, type SiteFieldSpec } from './fakes/jira-meta.ts';

/**
 * A stateful loopback Jira: Cloud (REST v3, ADF, Basic email:token) or Data Center (REST v2, wiki
 * strings, Bearer PAT). Create 201, transitions 204, comments 201, ErrorCollection envelopes, 429
 * with Retry-After and RateLimit-Reason, Service Management approvals, signed webhooks. Every body
 * is checked against the vendored schemas; violations answer 400 and are kept in `violations`.
 */
export interface FakeJiraOptions {
  deployment?: 'cloud' | 'datacenter';
  projectKey?: string;
  issueTypes?: string[];
  /** A kind alone, or a kind with a name and select options (createmeta shows them; a create with another option is refused). */
  customFields?: Record<string, CustomFieldKind | SiteFieldSpec>;
  workflow?: FakeWorkflow;
  /** Cloud only: how long an issue stays invisible to /search/jql after its create (Atlassian: seconds to minutes). Default 500 ms. */
  searchLagMs?: number;
  /** A Service Management request type that POST /rest/servicedeskapi/request creates through. */
  requestType?: FakeRequestType;
}

const EMAIL = 'patchbot@example.com';
const COMMENT_LIMIT = 32_767;
const API_TOKEN = 'jira-api-token';
const PAT = 'jira-personal-access-token';

const errorCollection = (status: number, errorMessages: string[], errors: Record<string, string> = {}, headers: Record<string, string> = {}): FakeReply => ({
  status,
  body: { errorMessages, errors },
  headers,
});

export type FakeJira = Awaited<ReturnType<typeof startFakeJira>>;

export const startFakeJira = async (options: FakeJiraOptions = {}) => {
  const cloud = (options.deployment ?? 'cloud') === 'cloud';
  const api = cloud ? '/rest/api/3' : '/rest/api/2';
  const projectKey = options.projectKey ?? 'OPS';
  const workflow = options.workflow ?? DEFAULT_WORKFLOW;
  const specs: Record<string, SiteFieldSpec> = Object.fromEntries(Object.entries(options.customFields ?? {}).map(([id, f]) => [id, typeof f === 'string' ? { kind: f } : f]));
  const rules = { cloud, projectKey, issueTypes: options.issueTypes ?? ['Task', 'Change'], customFields: specs };
  const searchLagMs = cloud ? (options.searchLagMs ?? 500) : 0;
  const issues: FakeIssue[] = [];
  const violations: string[] = [];
  let counter = 0;

  const authorised = (request: FakeRequest) => {
    const header = request.headers.authorization ?? '';
    if (!cloud && header === `Bearer ${PAT}`) return true;
    return header === `Basic ${Buffer.from(`${EMAIL}:${API_TOKEN}`).toString('base64')}`;
  };
  /** A body that breaks the vendored schemas: answered 400 like Jira, and kept for the tests. */
  const invalid = (problems: string[]) => {
    violations.push(...problems);
    return errorCollection(400, problems);
  };
  const notFound = () => errorCollection(404, ['Issue does not exist or you do not have permission to see it.']);
  const self = (issue: FakeIssue) => `http://jira.invalid${api}/issue/${issue.id}`;

  const insert = (fields: Record<string, unknown>, requestTypeId: string | null): FakeIssue => {
    counter += 1;
    // A service request has approvals (none yet); a plain issue is not a request at all.
    const issue: FakeIssue = {
      id: String(10000 + counter),
      key: `${projectKey}-${counter}`,
      status: workflow.initial,
      fields,
      comments: [],
      approvals: requestTypeId ? [] : null,
      createdAt: Date.now(),
      requestTypeId,
    };
    issues.push(issue);
    return issue;
  };

  const create = (body: unknown): FakeReply => {
    const problems = requestProblems('IssueUpdateDetails', body);
    if (problems.length) return invalid(problems);
    const fields = (body as { fields?: Record<string, unknown> }).fields ?? {};
    const checked = createFieldErrors(fields, rules);
    violations.push(...checked.violations);
    if (Object.keys(checked.errors).length) return errorCollection(400, [], checked.errors);
    const issue = insert(fields, null);
    return { status: 201, body: { id: issue.id, key: issue.key, self: self(issue) } };
  };

  /** POST /rest/servicedeskapi/request: the request type's form only, wiki strings, options by id. */
  const createRequest = (body: unknown): FakeReply => {
    const wrong = requestTypeProblems(options.requestType, body);
    if (wrong) return { status: 400, body: { errorMessage: wrong, i18nErrorMessage: { i18nKey: 'sd.request.create.error', parameters: [] } } };
    const values = (body as { requestFieldValues: Record<string, unknown> }).requestFieldValues;
    const fields = { project: { key: projectKey }, issuetype: { name: 'Change' }, ...values };
    const checked = createFieldErrors(fields, { ...rules, cloud: false, issueTypes: ['Change'] });
    if (Object.keys(checked.errors).length)
      return {
        status: 400,
        body: {
          errorMessage: Object.entries(checked.errors)
            .map(([f, m]) => `${f}: ${m}`)
            .join('; '),
        },
      };
    const issue = insert(values, options.requestType!.id);
    const at = new Date(issue.createdAt);
    return {
      status: 201,
      body: {
        issueId: issue.id,
        issueKey: issue.key,
        requestTypeId: options.requestType!.id,
        serviceDeskId: options.requestType!.serviceDeskId,
        createdDate: { iso8601: at.toISOString(), jira: at.toISOString(), epochMillis: issue.createdAt },
        reporter: { accountId: 'acc-patchbot', displayName: 'patchbot' },
        currentStatus: { status: issue.status },
        _links: { web: `${fake.url}/servicedesk/customer/portal/${options.requestType!.serviceDeskId}/${issue.key}`, self: `${fake.url}/rest/servicedeskapi/request/${issue.id}` },
      },
    };
  };

  const transition = (issue: FakeIssue, body: unknown): FakeReply => {
    const problems = requestProblems('IssueUpdateDetails', body);
    const sent = body as { transition?: { id?: unknown }; fields?: Record<string, unknown> } | null;
    const id = sent?.transition?.id;
    if (problems.length || typeof id !== 'string') return invalid(problems.length ? problems : ['transition.id is required']);
    return takeTransition(workflow, issue, id, sent?.fields ?? {});
  };

  const comment = (issue: FakeIssue, body: unknown): FakeReply => {
    const problems = [...requestProblems('Comment', body), ...richTextProblems((body as { body?: unknown } | null)?.body, cloud)];
    if (problems.length) return invalid(problems);
    // jira.text.field.character.limit; on Cloud the ADF document is counted as sent (the adapter's assumption too).
    const text = (body as { body: unknown }).body;
    if ((typeof text === 'string' ? text : JSON.stringify(text)).length > COMMENT_LIMIT)
      return errorCollection(400, [], { comment: `The entered text is too long. It exceeds the allowed limit of ${COMMENT_LIMIT} characters.` });
    const created = { id: String(20000 + issues.reduce((n, i) => n + i.comments.length, 0)), body: (body as { body: unknown }).body, created: new Date().toISOString() };
    issue.comments.push(created);
    return { status: 201, body: { ...created, self: `${self(issue)}/comment/${created.id}`, author: { displayName: 'patchbot' } } };
  };

  const onIssue = (request: FakeRequest, issue: FakeIssue, sub: string | undefined): FakeReply => {
    if (!sub && request.method === 'GET') return { status: 200, body: issueView(issue, { workflow, cloud, self: self(issue), query: request.query }) };
    if (sub === 'transitions' && request.method === 'GET') return transitionList(workflow, issue.status, request.query.get('expand'));
    if (sub === 'transitions' && request.method === 'POST') return transition(issue, request.body);
    if (sub === 'comment' && request.method === 'POST') return comment(issue, request.body);
    // The paged changelog is Cloud's (REST v3 and v2 there); Data Center has no such resource.
    if (sub === 'changelog' && request.method === 'GET') return cloud ? changelogPage(issue, self(issue), request.query) : errorCollection(404, [`null for uri: ${request.path}`]);
    if (sub === 'comment' && request.method === 'GET') {
      const newestFirst = request.query.get('orderBy') === '-created';
      const list = newestFirst ? [...issue.comments].reverse() : issue.comments;
      const max = Number(request.query.get('maxResults') ?? 50);
      return { status: 200, body: { startAt: 0, maxResults: max, total: list.length, comments: list.slice(0, max) } };
    }
    return errorCollection(405, [`${request.method} is not allowed here`]);
  };

  const search = (request: FakeRequest): FakeReply => {
    const match = jqlMatcher(request.query.get('jql') ?? '');
    // Cloud's search index catches up with writes later (search/jql is eventually consistent).
    const indexed = issues.filter((i) => Date.now() - i.createdAt >= searchLagMs);
    const found = indexed.filter(match).map((i) => ({ id: i.id, key: i.key, self: self(i), fields: { labels: i.fields.labels ?? [] } }));
    return { status: 200, body: cloud ? { issues: found, isLast: true } : { startAt: 0, maxResults: 50, total: found.length, issues: found } };
  };

  const fake = new LoopbackFake((request) => {
    if (!authorised(request)) return errorCollection(401, ['You are not authenticated. Authentication required to perform this operation.']);
    if (request.bodyError) return invalid([`Unexpected character in JSON: ${request.bodyError}`]);
    const desk = /^\/rest\/servicedeskapi\/request\/([A-Z][A-Z0-9_]*-\d+)\/approval$/.exec(request.path);
    if (request.path === '/rest/servicedeskapi/request' && request.method === 'POST') return createRequest(request.body);
    const form = /^\/rest\/servicedeskapi\/servicedesk\/(\w+)\/requesttype\/(\w+)\/field$/.exec(request.path);
    if (form) {
      const type = options.requestType;
      if (!type || type.serviceDeskId !== form[1] || type.id !== form[2]) return { status: 404, body: { errorMessage: 'The request type does not exist or you do not have access to it.' } };
      return requestTypeForm(type, specs);
    }
    if (desk) {
      const issue = issues.find((i) => i.key === desk[1]);
      return issue ? approvalsOf(issue, cloud, request.query) : { status: 404, body: { errorMessage: 'The request could not be found.' } };
    }
    if (!request.path.startsWith(`${api}/`)) return errorCollection(404, [`null for uri: ${request.path}`]);
    const path = request.path.slice(api.length);
    if (path === '/issue' && request.method === 'POST') return create(request.body);
    const meta = /^\/issue\/createmeta\/([A-Z][A-Z0-9_]*)\/issuetypes(?:\/(\d+))?$/.exec(path);
    if (meta && request.method === 'GET') {
      if (meta[1] !== projectKey) return errorCollection(404, ["No project could be found with key '" + meta[1] + "'."]);
      return createMeta(cloud, rules.issueTypes, specs, meta[2], request.query);
    }
    if ((path === '/search/jql' && cloud) || (path === '/search' && !cloud)) return search(request);
    const route = /^\/issue\/([A-Z][A-Z0-9_]*-\d+)(?:\/(transitions|comment|changelog))?$/.exec(path);
    const issue = route && issues.find((i) => i.key === route[1]);
    if (!route) return errorCollection(404, [`null for uri: ${request.path}`]);
    return issue ? onIssue(request, issue, route[2]) : notFound();
  });
  await fake.start();

  const byKey = (key: string): FakeIssue => {
    const issue = issues.find((i) => i.key === key);
    if (!issue) throw new Error(`fake Jira has no ${key}; it has ${issues.map((i) => i.key).join(', ') || 'nothing'}`);
    return issue;
  };

  let lastDelivery: { body: string; headers: Record<string, string> } | undefined;
  return {
    get url() {
      return fake.url;
    },
    requests: fake.requests,
    /** Bodies that failed the vendored schemas (each also answered 400). */
    violations,
    config: (extra: Partial<JiraConfig> = {}): JiraConfig => ({
      baseUrl: fake.url,
      deployment: cloud ? 'cloud' : 'datacenter',
      ...(cloud ? { email: EMAIL, apiToken: API_TOKEN } : { personalAccessToken: PAT }),
      projectKey,
      issueType: 'Change',
      fields: {},
      values: {},
      mode: 'issue',
      // Longer than the fake's own search lag, as a real site's setting should be longer than its index lag.
      searchLag: cloud ? 3_000 : 0,
      pollInterval: 300_000,
      ...extra,
    }),
    issues: (): readonly FakeIssue[] => issues,
    /** Cloud's search index catches up with every write so far. */
    indexAll() {
      for (const issue of issues) issue.createdAt = 0;
    },
    issue: byKey,
    /** Comment bodies as sent (ADF documents or wiki strings), oldest first. */
    comments: (key: string): unknown[] => byKey(key).comments.map((c) => c.body),
    /** Service Management approvers decide (or the request starts waiting for them). */
    setApproval(key: string, finalDecision: FakeApproval['finalDecision'], approvers: FakeApproval['approvers']) {
      byKey(key).approvals = [{ id: '1', finalDecision, approvers }];
    },
    /** Someone moves the issue in Jira (cancels or declines it): the changelog names their account. */
    setStatusByHand(key: string, status: string, by: { name: string; accountId: string; username?: string }, resolution?: string) {
      const issue = byKey(key);
      (issue.history ??= []).push({ by: { ...by, username: by.username ?? by.accountId }, created: jiraTime(), from: issue.status, to: status });
      issue.status = status;
      if (resolution) issue.fields.resolution = { name: resolution };
    },
    /** Someone (a bot, say) edits a field of the issue `times` times: changelog entries that move nothing. */
    editByHand(key: string, by: { name: string; accountId: string; username?: string }, times: number, field = 'labels') {
      const issue = byKey(key);
      for (let i = 0; i < times; i++) (issue.history ??= []).push({ by: { ...by, username: by.username ?? by.accountId }, created: jiraTime(), field, from: `v${i}`, to: `v${i + 1}` });
    },
    /** Several approval steps (a JSM approval per step or group), in order. */
    setApprovals(key: string, approvals: Omit<FakeApproval, 'id'>[]) {
      byKey(key).approvals = approvals.map((a, i) => ({ id: String(i + 1), ...a }));
    },
    rateLimit(count: number, retryAfterSeconds: number, reason = 'jira-burst-based') {
      const headers = {
        'retry-after': String(retryAfterSeconds),
        'x-ratelimit-limit': '100',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': new Date(Date.now() + retryAfterSeconds * 1000).toISOString(),
        'ratelimit-reason': reason,
      };
      fake.failNext(count, { kind: 'reply', reply: errorCollection(429, ['Rate limit exceeded.'], {}, headers) });
    },
    unavailable: (count: number, retryAfterSeconds?: number, match: FaultMatch = {}) =>
      fake.failNext(count, { kind: 'reply', reply: errorCollection(503, ['Service Unavailable'], {}, retryAfterSeconds ? { 'retry-after': String(retryAfterSeconds) } : {}) }, match),
    dropNext: (count: number, when: 'before' | 'after' = 'before', match: FaultMatch = {}) => fake.failNext(count, { kind: when === 'before' ? 'drop' : 'drop-after' }, match),
    /**
     * Posts an issue_updated webhook as Jira does. `redeliver` resends the previous delivery byte
     * for byte with its identifier, as Jira retries a delivery that was not acknowledged.
     */
    async fireWebhook(url: string, key: string, secret: string, how: { tamper?: boolean; deliveryId?: string; redeliver?: boolean } = {}) {
      if (how.redeliver) {
        if (!lastDelivery) throw new Error('fireWebhook: nothing was delivered yet to redeliver');
        return postWebhook(url, lastDelivery.body, lastDelivery.headers);
      }
      const { body: sent, headers } = issueUpdated(byKey(key), secret, { ...how, tamperedKey: `${projectKey}-999` });
      lastDelivery = { body: sent, headers };
      return postWebhook(url, sent, headers);
    },
    stop: () => fake.stop(),
    start: () => fake.start(),
  };
};

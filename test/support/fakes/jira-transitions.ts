import type { FakeReply } from './http-fake.ts';
import { available, type FakeIssue, type FakeTransition, type FakeWorkflow, jiraTime, PATCHBOT_ACCOUNT } from './jira-issues.ts';

/**
 * Transitions as Jira serves them: GET lists the ones offered from the issue's status, each target
 * with its status category, and with `expand=transitions.fields` the fields of its screen; POST
 * refuses a transition not offered, a required screen field left out, a field not on the screen,
 * and a resolution that is not one of the options (ErrorCollection, 400).
 */
const DONE = ['Completed', 'Failed', 'Canceled', 'Declined'];

export const statusCategory = (workflow: FakeWorkflow, status: string) => {
  const key = (workflow.done ?? DONE).includes(status) ? 'done' : status === workflow.initial ? 'new' : 'indeterminate';
  return { id: { new: 2, indeterminate: 4, done: 3 }[key], key, name: { new: 'To Do', indeterminate: 'In Progress', done: 'Done' }[key] };
};

const optionId = (i: number) => String(10000 + i);

const screenOf = (t: FakeTransition) =>
  Object.fromEntries(
    Object.entries(t.fields ?? {}).map(([id, f]) => [
      id,
      {
        required: f.required,
        schema: id === 'resolution' ? { type: 'resolution', system: 'resolution' } : { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' },
        name: f.name,
        key: id,
        hasDefaultValue: false,
        operations: ['set'],
        ...(f.allowed ? { allowedValues: f.allowed.map((name, i) => ({ self: `http://jira.invalid/rest/api/2/resolution/${optionId(i)}`, id: optionId(i), name })) } : {}),
      },
    ]),
  );

export const transitionList = (workflow: FakeWorkflow, status: string, expand: string | null): FakeReply => {
  const withFields = (expand ?? '').split(',').includes('transitions.fields');
  const transitions = available(workflow, status).map((t) => ({
    id: t.id,
    name: t.name,
    to: { id: t.id, name: t.to, statusCategory: statusCategory(workflow, t.to) },
    hasScreen: Boolean(t.fields),
    isGlobal: t.from === '*',
    isInitial: false,
    isAvailable: true,
    isConditional: false,
    ...(withFields ? { fields: screenOf(t) } : {}),
  }));
  return { status: 200, body: { expand: 'transitions', transitions } };
};

/** The issue takes the transition (and the screen's values), or the ErrorCollection Jira answers. */
export const takeTransition = (workflow: FakeWorkflow, issue: FakeIssue, id: string, sent: Record<string, unknown>): FakeReply => {
  const chosen = available(workflow, issue.status).find((t) => t.id === id);
  if (!chosen) return { status: 400, body: { errorMessages: [`Transition id '${id}' is not valid for this issue.`], errors: {} } };
  const screen = chosen.fields ?? {};
  const errors: Record<string, string> = {};
  for (const [field, spec] of Object.entries(screen)) if (spec.required && sent[field] === undefined) errors[field] = `${spec.name} is required.`;
  for (const [field, value] of Object.entries(sent)) {
    const spec = screen[field];
    if (!spec) errors[field] = `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;
    else if (spec.allowed) {
      const v = value as { id?: unknown; name?: unknown } | null;
      if (!spec.allowed.some((name, i) => v?.name === name || v?.id === optionId(i))) errors[field] = `Could not find valid 'id' or 'name' in ${field} object.`;
    }
  }
  if (Object.keys(errors).length) return { status: 400, body: { errorMessages: [], errors } };
  for (const [field, value] of Object.entries(sent)) {
    const spec = screen[field]!;
    const v = value as { id?: unknown; name?: unknown };
    issue.fields[field] = spec.allowed ? { name: spec.allowed.find((name, i) => v.name === name || v.id === optionId(i)) } : value;
  }
  (issue.history ??= []).push({ by: PATCHBOT_ACCOUNT, created: jiraTime(), from: issue.status, to: chosen.to });
  issue.status = chosen.to;
  return { status: 204 };
};

/** Jira Cloud embeds this many changelog entries in an issue (expand=changelog), the newest; Data Center embeds all. */
export const EMBEDDED_CHANGELOG = 100;

/** The issue's changelog as Jira shows it, oldest first, each entry by a real User object: an accountId on Cloud, a username on Data Center. */
const historiesOf = (issue: FakeIssue, cloud: boolean) =>
  (issue.history ?? []).map((h, i) => ({
    id: String(30000 + i),
    author: cloud ? { accountId: h.by.accountId, displayName: h.by.name, active: true } : { name: h.by.username, key: h.by.username, displayName: h.by.name, active: true },
    created: h.created,
    items: [{ field: h.field ?? 'status', fieldtype: 'jira', from: null, fromString: h.from, to: null, toString: h.to }],
  }));

/**
 * GET /issue/{key}: the fields asked for (status with its category, resolution null when unset)
 * and, with expand=changelog, the issue's history. On Cloud that is cut to the newest
 * EMBEDDED_CHANGELOG entries, `total` saying how many there are: the rest only through the pages
 * of GET /issue/{key}/changelog.
 */
export const issueView = (issue: FakeIssue, { workflow, cloud, self, query }: { workflow: FakeWorkflow; cloud: boolean; self: string; query: URLSearchParams }) => {
  const wanted = (query.get('fields') ?? 'status').split(',');
  const fields = Object.fromEntries(
    wanted.map((f) => [
      f,
      f === 'status'
        ? { id: String(workflow.transitions.findIndex((t) => t.to === issue.status) + 2), name: issue.status, statusCategory: statusCategory(workflow, issue.status) }
        : f === 'resolution'
          ? (issue.fields.resolution ?? null)
          : issue.fields[f],
    ]),
  );
  const all = historiesOf(issue, cloud);
  const histories = cloud ? all.slice(-EMBEDDED_CHANGELOG) : all;
  const changelog = (query.get('expand') ?? '').split(',').includes('changelog') ? { changelog: { startAt: 0, maxResults: histories.length, total: all.length, histories } } : {};
  return { id: issue.id, key: issue.key, self, fields, ...changelog };
};

/**
 * GET /rest/api/3/issue/{key}/changelog (Cloud): PageBeanChangelog, oldest first, `startAt` from
 * 0, `maxResults` default and at most 100; `isLast` and `nextPage` say whether more follow.
 */
export const changelogPage = (issue: FakeIssue, self: string, query: URLSearchParams): FakeReply => {
  const number = (name: string, fallback: number) => {
    const raw = query.get(name);
    return raw === null ? fallback : Number(raw);
  };
  const startAt = number('startAt', 0);
  const maxResults = Math.min(number('maxResults', 100), 100);
  if (!Number.isInteger(startAt) || startAt < 0 || !Number.isInteger(maxResults) || maxResults < 1)
    return { status: 400, body: { errorMessages: ['startAt must be a whole number from 0 and maxResults one from 1.'], errors: {} } };
  const all = historiesOf(issue, true);
  const values = all.slice(startAt, startAt + maxResults);
  const isLast = startAt + values.length >= all.length;
  const link = (at: number) => `${self}/changelog?startAt=${at}&maxResults=${maxResults}`;
  return { status: 200, body: { self: link(startAt), ...(isLast ? {} : { nextPage: link(startAt + values.length) }), maxResults, startAt, total: all.length, isLast, values } };
};

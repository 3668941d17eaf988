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

import { adf, openapi } from '../../tickets/jira-schemas.ts';
import { schemaProblems } from './json-schema.ts';
import { optionProblem, type SiteFieldSpec } from './jira-meta.ts';

/**
 * The Jira fake's data and checks: issues with a workflow of named transitions, comments, JSM
 * approvals, and validation of every body against the vendored OpenAPI / ADF schemas (Cloud) or
 * Data Center's plain-string rules.
 */
/** A field on a transition's screen; `allowed` lists the options of a select (the resolutions for `resolution`). */
export interface FakeScreenField {
  name: string;
  required: boolean;
  allowed?: string[];
}

export interface FakeTransition {
  id: string;
  name: string;
  /** Statuses it is offered from; '*' for a global transition. */
  from: string[] | '*';
  to: string;
  /** The fields of its screen, by field id; none when it has no screen. */
  fields?: Record<string, FakeScreenField>;
}

export interface FakeWorkflow {
  initial: string;
  transitions: FakeTransition[];
  /** Statuses in the Done category (default: Completed, Failed, Canceled, Declined). */
  done?: string[];
}

const OPEN = ['Open', 'Awaiting approval', 'Scheduled', 'Implementing', 'In review'];

/** A change workflow named as docs/itsm.md asks. */
export const DEFAULT_WORKFLOW: FakeWorkflow = {
  initial: 'Open',
  transitions: [
    { id: '11', name: 'Request approval', from: ['Open'], to: 'Awaiting approval' },
    { id: '21', name: 'Schedule', from: ['Open', 'Awaiting approval'], to: 'Scheduled' },
    { id: '31', name: 'Implement', from: ['Scheduled'], to: 'Implementing' },
    { id: '41', name: 'Review', from: ['Implementing'], to: 'In review' },
    { id: '51', name: 'Complete', from: ['Implementing', 'In review'], to: 'Completed' },
    // From Completed too: a change backed out after it completed is a failed change (docs/itsm.md).
    { id: '61', name: 'Fail', from: ['Implementing', 'In review', 'Completed'], to: 'Failed' },
    { id: '71', name: 'Cancel', from: OPEN, to: 'Canceled' },
    { id: '81', name: 'Decline', from: ['Open', 'Awaiting approval', 'Scheduled'], to: 'Declined' },
  ],
};

export type CustomFieldKind = 'textarea' | 'select' | 'datetime' | 'string';

export interface FakeComment {
  id: string;
  body: unknown;
  created: string;
}

export interface FakeApproval {
  id: string;
  finalDecision: 'approved' | 'declined' | 'pending';
  /**
   * `name` is the display name (the user's own to edit). `accountId` (Cloud) / `username` (Data
   * Center) default to one derived from it; `emailAddress` is shown only when given, as a user's
   * privacy settings may hide it.
   */
  approvers: { name: string; decision: 'approved' | 'declined' | 'pending'; accountId?: string; username?: string; emailAddress?: string }[];
}

/** One changelog entry: who (a Jira account), when, and the field it changed (a status move unless said). */
export interface FakeHistory {
  by: { name: string; accountId: string; username: string };
  created: string;
  /** Default `status`. */
  field?: string;
  from: string;
  to: string;
}

/** The account the adapter signs in as, named in the changelog of the moves it makes. */
export const PATCHBOT_ACCOUNT = { name: 'patchbot', accountId: 'acc-patchbot', username: 'patchbot' };

/** Jira's own timestamp format (`2026-12-05T16:40:00.000+0000`). */
export const jiraTime = (at = new Date()): string => at.toISOString().replace('Z', '+0000');

export interface FakeIssue {
  id: string;
  key: string;
  status: string;
  fields: Record<string, unknown>;
  comments: FakeComment[];
  /** Null: not a service request, so the servicedeskapi answers 404. */
  approvals: FakeApproval[] | null;
  /** Date.now() at creation: Cloud search shows the issue only after the fake's search lag. */
  createdAt: number;
  /** The Service Management request type it was raised with; null for a plain issue. */
  requestTypeId: string | null;
  /** Status moves, oldest first (the issue's changelog). */
  history?: FakeHistory[];
}

export const available = (workflow: FakeWorkflow, status: string): FakeTransition[] => workflow.transitions.filter((t) => t.from === '*' || t.from.includes(status));

/** Problems of a rich-text value for this deployment: an ADF document on Cloud, a string on Data Center. */
export const richTextProblems = (value: unknown, cloud: boolean): string[] => {
  if (!cloud) return typeof value === 'string' ? [] : ['Operation value must be a string'];
  return schemaProblems(adf, value).map((p) => `not a valid Atlassian Document: ${p}`);
};

export const requestProblems = (schema: 'IssueUpdateDetails' | 'Comment', body: unknown): string[] => schemaProblems(openapi, body, { ref: `#/components/schemas/${schema}`, request: true });

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$/;
const SYSTEM_FIELDS = new Set(['project', 'issuetype', 'summary', 'description', 'labels']);

export interface CreateRules {
  cloud: boolean;
  projectKey: string;
  issueTypes: string[];
  customFields: Record<string, SiteFieldSpec>;
}

/**
 * Jira's `errors` map for a create (field → message; empty when acceptable), and which of those are
 * schema violations (malformed rich text) rather than site refusals (an unknown issue type).
 */
export const createFieldErrors = (fields: Record<string, unknown>, rules: CreateRules): { errors: Record<string, string>; violations: string[] } => {
  const errors: Record<string, string> = {};
  const violations: string[] = [];
  const project = fields.project as { key?: unknown } | undefined;
  if (project?.key !== rules.projectKey) errors.project = 'Specify a valid project ID or key';
  const type = fields.issuetype as { name?: unknown } | undefined;
  if (typeof type?.name !== 'string' || !rules.issueTypes.includes(type.name)) errors.issuetype = 'Specify a valid issue type';
  if (typeof fields.summary !== 'string' || fields.summary.trim() === '') errors.summary = 'You must specify a summary of the issue.';
  else if (fields.summary.length > 255) errors.summary = 'Summary must be less than 255 characters.';
  if (fields.description !== undefined) {
    const problems = richTextProblems(fields.description, rules.cloud);
    violations.push(...problems);
    if (problems.length) errors.description = problems.join('; ');
  }
  const labels = fields.labels;
  if (labels !== undefined && (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string' || /\s/.test(l)))) errors.labels = 'The label must not contain spaces.';
  for (const [id, value] of Object.entries(fields)) {
    if (SYSTEM_FIELDS.has(id)) continue;
    const spec = rules.customFields[id];
    const kind = spec?.kind;
    if (!spec || !kind) {
      errors[id] = `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;
      continue;
    }
    const rich = kind === 'textarea' ? richTextProblems(value, rules.cloud) : [];
    violations.push(...rich);
    const wrong =
      kind === 'textarea'
        ? rich.join('; ')
        : kind === 'select'
          ? optionProblem(spec, value)
          : kind === 'datetime'
            ? typeof value === 'string' && DATE_TIME.test(value)
              ? ''
              : 'Invalid date format. Please enter the date in the format "yyyy-MM-dd\'T\'HH:mm:ss.SSSZ".'
            : typeof value === 'string'
              ? ''
              : 'Operation value must be a string';
    if (wrong) errors[id] = wrong;
  }
  return { errors, violations };
};

/** Tiny JQL: `project = "OPS" AND labels = "x"`, quotes optional. */
export const jqlMatcher = (jql: string): ((issue: FakeIssue) => boolean) => {
  const project = /project\s*=\s*"?([A-Z][A-Z0-9_]*)"?/i.exec(jql)?.[1];
  const label = /labels\s*=\s*"([^"]+)"|labels\s*=\s*([^\s)]+)/i.exec(jql);
  const wanted = label?.[1] ?? label?.[2];
  return (issue) => (!project || issue.key.startsWith(`${project}-`)) && (!wanted || (Array.isArray(issue.fields.labels) && (issue.fields.labels as string[]).includes(wanted)));
};

/**
 * `itsm`: where change tickets live. `kind` picks the system; the sections of the systems not
 * chosen may stay in the file (or half-filled from the environment) and are ignored, so switching
 * is a one-line edit. The output keeps only the chosen system's section, fully typed.
 */
import { z } from 'zod';
import { Duration, evenWithIssues, HttpUrl, isRecord, Secret, textOf } from './schema-common.ts';

const ServiceNowSection = z.strictObject({
  instanceUrl: HttpUrl.optional(),
  username: z.string().min(1).optional(),
  password: Secret.optional(),
  /** OAuth password grant on top of the basic credentials (`/oauth_token.do`). */
  oauth: z.strictObject({ clientId: z.string().min(1).optional(), clientSecret: Secret.optional() }).optional(),
  /** Shared secret for inbound approval webhooks; without it the webhook is off and polling alone reconciles. */
  webhookSecret: Secret.optional(),
  pollInterval: Duration.prefault('5m'),
});

/** patchbot's own names for the per-site custom fields a change issue may need. */
export const JiraField = z.enum(['changeType', 'risk', 'impact', 'plannedStart', 'plannedEnd', 'implementationPlan', 'backoutPlan', 'testPlan', 'changeId']);
export type JiraField = z.infer<typeof JiraField>;

const JiraSection = z.strictObject({
  baseUrl: HttpUrl.optional(),
  deployment: z.enum(['cloud', 'datacenter']).default('cloud'),
  email: z.email().optional(),
  apiToken: Secret.optional(),
  personalAccessToken: Secret.optional(),
  projectKey: z.string().regex(/^[A-Z][A-Z0-9_]+$/, 'a Jira project key is upper-case letters and digits, e.g. OPS').optional(),
  issueType: z.string().min(1).default('Task'),
  webhookSecret: Secret.optional(),
  /** Custom field ids differ per site: look them up with GET /rest/api/3/field. */
  fields: z.partialRecord(JiraField, z.string().regex(/^customfield_\d+$/, 'use the custom field id, e.g. customfield_10042')).default({}),
  pollInterval: Duration.prefault('5m'),
});

type ServiceNowSection = z.infer<typeof ServiceNowSection>;
type JiraSection = z.infer<typeof JiraSection>;
type Required<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };

export type ServiceNowConfig = Required<Omit<ServiceNowSection, 'oauth'>, 'instanceUrl' | 'username' | 'password'> & {
  oauth?: { clientId: string; clientSecret: string };
};
export type JiraConfig = Required<JiraSection, 'baseUrl' | 'projectKey'>;
export type ItsmConfig = { kind: 'none' } | { kind: 'servicenow'; servicenow: ServiceNowConfig } | { kind: 'jira'; jira: JiraConfig };

/** Reports a problem at a path inside the chosen system's section. */
type Report = (path: string[], message: string) => void;
const need = (report: Report, section: Record<string, unknown>, path: string[], message: string) => {
  let value: unknown = section;
  for (const key of path) value = isRecord(value) ? value[key] : undefined;
  if (value === undefined) report(path, message);
};

const serviceNowRules = (sn: Record<string, unknown>, report: Report) => {
  need(report, sn, ['instanceUrl'], 'required when itsm.kind is servicenow; e.g. https://example.service-now.com');
  need(report, sn, ['username'], 'required when itsm.kind is servicenow; the integration user patchbot acts as');
  need(report, sn, ['password'], 'required when itsm.kind is servicenow; set SERVICENOW_PASSWORD or itsm.servicenow.password: { file: /path }');
  if (isRecord(sn.oauth)) {
    need(report, sn, ['oauth', 'clientId'], 'required when OAuth is configured; give the ServiceNow OAuth application\'s client id, or drop oauth (and SERVICENOW_CLIENT_SECRET) to use basic auth');
    need(report, sn, ['oauth', 'clientSecret'], 'required when OAuth is configured; set SERVICENOW_CLIENT_SECRET');
  }
};

const jiraRules = (jira: Record<string, unknown>, report: Report) => {
  need(report, jira, ['baseUrl'], 'required when itsm.kind is jira; e.g. https://example.atlassian.net');
  need(report, jira, ['projectKey'], 'required when itsm.kind is jira; the key of the project change issues go to, e.g. OPS');
  if ((textOf(jira.deployment) ?? 'cloud') === 'cloud') {
    need(report, jira, ['email'], 'required for deployment cloud; the Atlassian account the API token belongs to');
    need(report, jira, ['apiToken'], 'required for deployment cloud; set JIRA_API_TOKEN (id.atlassian.com › Security › API tokens)');
  } else if (jira.personalAccessToken === undefined && (jira.email === undefined || jira.apiToken === undefined)) {
    report(['personalAccessToken'], 'required for deployment datacenter unless email and apiToken are both set; set JIRA_PAT (Profile › Personal Access Tokens)');
  }
};

export const ItsmConfig = z
  .strictObject({
    kind: z.enum(['none', 'servicenow', 'jira']).default('none'),
    servicenow: ServiceNowSection.optional(),
    jira: JiraSection.optional(),
  })
  .superRefine((itsm, ctx) => {
    const kind = itsm.kind as string;
    if (kind !== 'servicenow' && kind !== 'jira') return;
    const section: unknown = itsm[kind];
    if (section === undefined) {
      ctx.addIssue({ code: 'custom', path: [kind], message: `required when itsm.kind is ${kind}; add an itsm.${kind} section (see config/example-production.yaml)` });
      return;
    }
    if (!isRecord(section)) return; // its type error is already reported
    const report: Report = (path, message) => ctx.addIssue({ code: 'custom', path: [kind, ...path], message });
    if (kind === 'servicenow') serviceNowRules(section, report);
    else jiraRules(section, report);
  }, evenWithIssues)
  .transform((itsm): ItsmConfig => {
    if (itsm.kind === 'servicenow') return { kind: 'servicenow', servicenow: itsm.servicenow as ServiceNowConfig };
    if (itsm.kind === 'jira') return { kind: 'jira', jira: itsm.jira as JiraConfig };
    return { kind: 'none' };
  });
export type ItsmConfigInput = z.input<typeof ItsmConfig>;

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
  /**
   * auto: the Change Management API (sn_chg_rest) when the instance has it, else the Table API;
   * change / table force one (docs/itsm.md "ServiceNow › Two APIs").
   */
  api: z.enum(['auto', 'change', 'table']).default('auto'),
  /** sys_id of the standard change template standard changes are created from (Change API only). */
  standardTemplate: z
    .string()
    .regex(/^[0-9a-f]{32}$/, 'the sys_id of a std_change_record_producer, 32 hex digits')
    .optional(),
});

const OptionName = z.string().min(1);
/** patchbot's values mapped onto the option names of the site's select fields; unset ones use defaults. */
const JiraValues = z.strictObject({
  changeType: z.strictObject({ standard: OptionName, normal: OptionName, emergency: OptionName }).partial().optional(),
  risk: z.strictObject({ low: OptionName, moderate: OptionName, high: OptionName }).partial().optional(),
  impact: z.strictObject({ low: OptionName, medium: OptionName, high: OptionName }).partial().optional(),
});
export type JiraValues = z.infer<typeof JiraValues>;

/** patchbot's own names for the per-site custom fields a change issue may need. */
export const JiraField = z.enum(['changeType', 'risk', 'impact', 'plannedStart', 'plannedEnd', 'implementationPlan', 'backoutPlan', 'testPlan', 'changeId']);
export type JiraField = z.infer<typeof JiraField>;

const JiraSection = z.strictObject({
  baseUrl: HttpUrl.optional(),
  deployment: z.enum(['cloud', 'datacenter']).default('cloud'),
  email: z.email().optional(),
  apiToken: Secret.optional(),
  personalAccessToken: Secret.optional(),
  projectKey: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]+$/, 'a Jira project key is upper-case letters and digits, e.g. OPS')
    .optional(),
  issueType: z.string().min(1).default('Task'),
  webhookSecret: Secret.optional(),
  /** Custom field ids differ per site: look them up with GET /rest/api/3/field. */
  fields: z.partialRecord(JiraField, z.string().regex(/^customfield_\d+$/, 'use the custom field id, e.g. customfield_10042')).default({}),
  /** Option names for changeType, risk and impact as the site spells them (checked against createmeta at startup). */
  values: JiraValues.default({}),
  /** issue: POST /rest/api/.../issue; request: Service Management's request API with a request type. */
  mode: z.enum(['issue', 'request']).default('issue'),
  serviceDeskId: z.string().regex(/^\d+$/, 'the numeric id of the service desk, e.g. "4"').optional(),
  requestTypeId: z.string().regex(/^\d+$/, 'the numeric id of the request type, e.g. "25"').optional(),
  /** How long search may lag a create (Cloud: seconds to minutes); a retried create waits this long for its issue to show. Default 60s on Cloud, 0 on Data Center. */
  searchLag: Duration.optional(),
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
    need(
      report,
      sn,
      ['oauth', 'clientId'],
      "required when OAuth is configured; give the ServiceNow OAuth application's client id, or drop oauth (and SERVICENOW_CLIENT_SECRET) to use basic auth",
    );
    need(report, sn, ['oauth', 'clientSecret'], 'required when OAuth is configured; set SERVICENOW_CLIENT_SECRET');
  }
};

const jiraRules = (jira: Record<string, unknown>, report: Report) => {
  need(report, jira, ['baseUrl'], 'required when itsm.kind is jira; e.g. https://example.atlassian.net');
  need(report, jira, ['projectKey'], 'required when itsm.kind is jira; the key of the project change issues go to, e.g. OPS');
  if ((textOf(jira.deployment) ?? 'cloud') === 'cloud') {
    need(report, jira, ['email'], 'required for deployment cloud; the Atlassian account the API token belongs to');
    need(report, jira, ['apiToken'], 'required for deployment cloud; set JIRA_API_TOKEN (id.atlassian.com › Security › API tokens)');
  }
  if (jira.mode === 'request') {
    need(report, jira, ['serviceDeskId'], 'required when mode is request; GET /rest/servicedeskapi/servicedesk lists the desks and their ids');
    need(report, jira, ['requestTypeId'], 'required when mode is request; GET /rest/servicedeskapi/servicedesk/{serviceDeskId}/requesttype lists the request types (pick the Change one)');
  }
  if ((textOf(jira.deployment) ?? 'cloud') === 'cloud') {
    // Data Center's personal access token is checked below.
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

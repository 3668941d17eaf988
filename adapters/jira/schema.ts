/**
 * The Jira wire shapes patchbot reads, and only the fields it reads (platform REST v3 on Cloud, v2
 * on Data Center, Service Management's servicedeskapi; reference/integrations.md §4).
 */
import { z } from 'zod';

/** ErrorCollection: `{"errorMessages":[…],"errors":{"field":"message"}}`, Cloud and Data Center alike. */
export const JiraErrorCollection = z.object({
  errorMessages: z.array(z.string()).optional(),
  errors: z.record(z.string(), z.string()).optional(),
});

/** Service Management's own error shape. */
export const ServiceDeskError = z.object({ errorMessage: z.string() });

/** 201 to POST /issue. */
export const CreatedIssue = z.object({ id: z.string(), key: z.string() });

/** GET /search (v2) and /search/jql (v3): only the keys of what matched, with the labels asked for. */
export const SearchResult = z.object({
  issues: z.array(z.object({ key: z.string(), fields: z.object({ labels: z.array(z.string()).optional() }).optional() })),
});

/** A status's category: `new`, `indeterminate` or `done`, whatever the workflow names the status. */
const StatusCategory = z.object({ key: z.string() });

export const IssueStatus = z.object({
  id: z.string(),
  key: z.string(),
  fields: z.object({ status: z.object({ name: z.string(), statusCategory: StatusCategory.optional() }) }),
});

/** Comment bodies are ADF documents on v3 and strings on v2. */
export const Comments = z.object({ comments: z.array(z.object({ body: z.unknown() })) });

/** A field of a transition's screen, listed with `expand=transitions.fields`. */
const ScreenField = z.object({
  required: z.boolean().default(false),
  name: z.string().optional(),
  hasDefaultValue: z.boolean().optional(),
  allowedValues: z.array(z.object({ id: z.string().optional(), name: z.string().optional(), value: z.string().optional() })).optional(),
});
export type ScreenField = z.infer<typeof ScreenField>;

export const Transition = z.object({
  id: z.string(),
  name: z.string(),
  to: z.object({ name: z.string(), statusCategory: StatusCategory.optional() }).optional(),
  fields: z.record(z.string(), ScreenField).optional(),
});
export type Transition = z.infer<typeof Transition>;
export const Transitions = z.object({ transitions: z.array(Transition) });

/**
 * An approver: a User (`accountId` on Cloud; `name`, the username, on Data Center). `displayName` is
 * for showing only (Cloud users edit it themselves); `emailAddress` is null or absent when the
 * user's privacy settings hide it.
 */
const Approver = z.object({
  approver: z.object({
    displayName: z.string().optional(),
    accountId: z.string().optional(),
    name: z.string().optional(),
    emailAddress: z.string().nullish(),
  }),
  approverDecision: z.string(),
});
export type JiraApprover = z.infer<typeof Approver>;

/** GET /rest/servicedeskapi/request/{key}/approval: a page of approvals (`start`, `limit`; `isLastPage` says whether more follow). */
export const ServiceDeskApprovals = z.object({
  isLastPage: z.boolean().default(true),
  values: z.array(z.object({ finalDecision: z.string(), approvers: z.array(Approver).default([]) })),
});
export type ServiceDeskApprovals = z.infer<typeof ServiceDeskApprovals>;

/** What a Jira webhook delivers (jira:issue_updated and friends); only the issue is read. */
export const WebhookPayload = z.object({
  webhookEvent: z.string().optional(),
  issue: z.object({
    id: z.string(),
    key: z.string(),
    fields: z.object({ status: z.object({ name: z.string() }).optional() }).optional(),
  }),
});

/** Paging of createmeta: Cloud counts (`startAt`, `total`), Data Center says `isLast`. */
const MetaPage = { startAt: z.number().optional(), total: z.number().optional(), isLast: z.boolean().optional() };

const MetaIssueType = z.object({ id: z.string(), name: z.string() });
/** GET …/issue/createmeta/{project}/issuetypes: `issueTypes` on Cloud, `values` on Data Center. */
export const CreateMetaIssueTypes = z.object({ ...MetaPage, issueTypes: z.array(MetaIssueType).optional(), values: z.array(MetaIssueType).optional() });

const MetaField = z.object({
  fieldId: z.string(),
  name: z.string(),
  required: z.boolean().default(false),
  allowedValues: z.array(z.object({ id: z.string(), value: z.string().optional(), name: z.string().optional() })).optional(),
});
/** GET …/issue/createmeta/{project}/issuetypes/{id}: `fields` on Cloud, `values` on Data Center. */
export const CreateMetaFields = z.object({ ...MetaPage, fields: z.array(MetaField).optional(), values: z.array(MetaField).optional() });

/** GET /rest/servicedeskapi/servicedesk/{id}/requesttype/{id}/field: the request type's form. */
export const RequestTypeFields = z.object({
  requestTypeFields: z.array(
    z.object({
      fieldId: z.string(),
      name: z.string(),
      required: z.boolean().default(false),
      validValues: z.array(z.object({ value: z.string(), label: z.string() })).default([]),
    }),
  ),
});

/** 201 to POST /rest/servicedeskapi/request. */
export const CreatedRequest = z.object({ issueId: z.string(), issueKey: z.string() });

import { draftDocument, NO_PLAN, planBlocks, plainText } from '../../src/tickets/ticket-doc.ts';
import type { TicketDraft, TicketImpact, TicketRisk } from '../../src/tickets/ticketing.ts';
import { fittedText } from './field-limits.ts';

/**
 * Choice values of the out-of-the-box change_request risk and impact fields. Instances may relabel
 * them; the values (not the labels) are what the Table API takes without sysparm_input_display_value.
 */
const RISK: Record<TicketRisk, string> = { high: '2', moderate: '3', low: '4' };
const IMPACT: Record<TicketImpact, string> = { high: '1', medium: '2', low: '3' };

/** short_description is a 160-character string field. */
const SHORT_DESCRIPTION_MAX = 160;

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * "YYYY-MM-DD HH:mm:ss" in UTC. Both APIs store it as sent: the Table API reads values in UTC
 * unless sysparm_input_display_value=true (then "in the user time zone", ServiceNowDocs
 * c_TableAPI.md), which patchbot never sets; the Change Management API calls setValue(), not
 * setDisplayValue(), unless encrypted_fields is given (change-management-api.md, PATCH /change).
 */
export const glideDateTime = (at: Date): string =>
  `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`;

export interface ChangeRequestOptions {
  /** sys_id of the assignment group; approvals in the instance are usually routed by it. */
  assignmentGroup?: string;
}

/**
 * The change_request a draft becomes. Hosts go into the description (not the CMDB: patchbot's
 * inventory names need not match CI names); correlation_id carries the change id so the ticket can
 * be found again after a lost response.
 */
export const changeRequestBody = (draft: TicketDraft, options: ChangeRequestOptions = {}): Record<string, string> => {
  const title = `${draft.changeId}: ${draft.title}`;
  const body: Record<string, string> = {
    type: draft.changeClass,
    short_description: title.length > SHORT_DESCRIPTION_MAX ? `${title.slice(0, SHORT_DESCRIPTION_MAX - 1)}…` : title,
    // Multi-line fields of 4,000 characters (field-limits.ts): a long host list or plan is shortened, never cut by the instance.
    description: fittedText(plainText(draftDocument(draft, false)), 'description'),
    implementation_plan: fittedText(plainText(planBlocks(draft.implementationPlan, NO_PLAN.implementation)), 'implementation_plan'),
    backout_plan: fittedText(plainText(planBlocks(draft.backoutPlan, NO_PLAN.backout)), 'backout_plan'),
    test_plan: fittedText(plainText(planBlocks(draft.testPlan, NO_PLAN.test)), 'test_plan'),
    risk: RISK[draft.risk],
    impact: IMPACT[draft.impact],
    correlation_id: draft.changeId,
    correlation_display: 'patchbot',
  };
  if (draft.plannedStart) body.start_date = glideDateTime(draft.plannedStart);
  if (draft.plannedEnd) body.end_date = glideDateTime(draft.plannedEnd);
  if (options.assignmentGroup) body.assignment_group = options.assignmentGroup;
  return body;
};

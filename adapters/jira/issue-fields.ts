import type { JiraConfig } from '../../src/config/schema-itsm.ts';
import { type DocBlock, draftDocument, NO_PLAN, planBlocks } from '../../src/tickets/ticket-doc.ts';
import type { TicketDraft, TicketImpact, TicketRisk } from '../../src/tickets/ticketing.ts';
import type { OptionPlan } from './field-options.ts';
import { wikiDocument } from './wiki.ts';

/** ADF on Cloud, wiki markup on Data Center: chosen by the caller. */
export type RichText = (blocks: DocBlock[]) => unknown;

/** Option names sent when createmeta was not read (the site could not be asked); prepare() maps them onto the site's. */
const RISK: Record<TicketRisk, string> = { low: 'Low', moderate: 'Medium', high: 'High' };
const IMPACT: Record<TicketImpact, string> = { low: 'Low', medium: 'Medium', high: 'High' };
const CHANGE_TYPE = { standard: 'Standard', normal: 'Normal', emergency: 'Emergency' } as const;

const SUMMARY_MAX = 255;

/** The label that finds a change's issue again after a lost create response. */
export const changeLabel = (changeId: string): string => `patchbot-${changeId.replace(/\s+/g, '-')}`;

/** Jira's date-time format for datetime custom fields: 2024-01-20T02:00:00.000+0000. */
export const jiraDateTime = (at: Date): string => at.toISOString().replace('Z', '+0000');

/**
 * The create-issue body for a draft. Site-specific custom fields come from itsm.jira.fields; the
 * plans stay in the description unless all three have fields of their own.
 */
export const issueCreateBody = (draft: TicketDraft, config: Pick<JiraConfig, 'projectKey' | 'issueType' | 'fields'>, rich: RichText, plan: OptionPlan = {}) => {
  const ids = config.fields;
  const plansInFields = Boolean(ids.implementationPlan && ids.backoutPlan && ids.testPlan);
  const title = `${draft.changeId}: ${draft.title}`;
  const fields: Record<string, unknown> = {
    project: { key: config.projectKey },
    issuetype: { name: config.issueType },
    summary: title.length > SUMMARY_MAX ? `${title.slice(0, SUMMARY_MAX - 1)}…` : title,
    description: rich(draftDocument(draft, !plansInFields)),
    labels: ['patchbot', changeLabel(draft.changeId), ...(draft.changeClass === 'emergency' ? ['emergency-change'] : [])],
  };
  const set = (id: string | undefined, value: unknown) => {
    if (id && value !== undefined && value !== null) fields[id] = value;
  };
  set(ids.changeType, { value: plan.changeType?.[draft.changeClass]?.name ?? CHANGE_TYPE[draft.changeClass] });
  set(ids.risk, { value: plan.risk?.[draft.risk]?.name ?? RISK[draft.risk] });
  set(ids.impact, { value: plan.impact?.[draft.impact]?.name ?? IMPACT[draft.impact] });
  set(ids.plannedStart, draft.plannedStart && jiraDateTime(draft.plannedStart));
  set(ids.plannedEnd, draft.plannedEnd && jiraDateTime(draft.plannedEnd));
  set(ids.implementationPlan, rich(planBlocks(draft.implementationPlan, NO_PLAN.implementation)));
  set(ids.backoutPlan, rich(planBlocks(draft.backoutPlan, NO_PLAN.backout)));
  set(ids.testPlan, rich(planBlocks(draft.testPlan, NO_PLAN.test)));
  set(ids.changeId, draft.changeId);
  return { fields };
};

/**
 * The Service Management create-request body: the same fields as `requestFieldValues` (no project
 * or issue type: the request type implies both), rich text as wiki-markup strings (the request API
 * takes plain strings unless asked for ADF), select options by id from the request type's form.
 */
export const requestCreateBody = (draft: TicketDraft, config: Pick<JiraConfig, 'projectKey' | 'issueType' | 'fields' | 'serviceDeskId' | 'requestTypeId'>, plan: OptionPlan) => {
  const { project: _p, issuetype: _t, ...values } = issueCreateBody(draft, config, wikiDocument, plan).fields;
  const ours = { changeType: draft.changeClass, risk: draft.risk, impact: draft.impact } as const;
  for (const [select, value] of Object.entries(ours) as [keyof typeof ours, string][]) {
    const id = config.fields[select];
    const option = plan[select]?.[value];
    if (id && option) values[id] = { id: option.id };
  }
  return { serviceDeskId: config.serviceDeskId, requestTypeId: config.requestTypeId, requestFieldValues: values };
};

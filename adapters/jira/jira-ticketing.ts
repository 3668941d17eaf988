import type { JiraConfig } from '../../src/config/schema-itsm.ts';
import { closedOutside, eventStamp, moveFor, stampedNote, type TicketPhase } from '../../src/tickets/lifecycle.ts';
import type {
  ApprovalDecision,
  ItsmFacts,
  OpenedTicket,
  OpenContext,
  RecordContext,
  RecordResult,
  TicketApproval,
  TicketDraft,
  TicketEvent,
  TicketRef,
  Ticketing,
} from '../../src/tickets/ticketing.ts';
import { isTicketingError, TicketingError } from '../../src/tickets/ticketing-error.ts';
import { adfDocument, adfPlainText, adfText } from './adf.ts';
import { jiraClient, type JiraClientOptions } from './client.ts';
import { fittedComment } from './comment-limit.ts';
import { type OptionPlan, resolveFields } from './field-options.ts';
import { issueCreateBody, requestCreateBody } from './issue-fields.ts';
import { readEnded } from './issue-ended.ts';
import { issueLookup, type LookupOptions } from './issue-lookup.ts';
import { Comments, CreatedIssue, CreatedRequest, IssueStatus, type JiraApprover, ServiceDeskApprovals, type Transition, Transitions } from './schema.ts';
import { readSiteFields } from './site-fields.ts';
import { transitionFields } from './transition-fields.ts';
import { unescapeWiki, wikiDocument, wikiText } from './wiki.ts';
import { DEFAULT_STEPS, isFinished, type JiraSteps, missingTransition, phaseOfStatus, phasePath, pickTransition } from './workflow.ts';

export interface JiraOptions extends JiraClientOptions {
  /** Your workflow's transition and status names where they differ from docs/itsm.md's. */
  steps?: Partial<JiraSteps>;
  sleep?: LookupOptions['sleep'];
}

/** Cloud's search lags writes by seconds to minutes (Atlassian: "search and reconcile"); Data Center's index is local. */
const DEFAULT_SEARCH_LAG_MS = { cloud: 60_000, datacenter: 0 };

/** Comments read back when looking for an event's stamp: a retried event is always among the newest. */
const RECENT_COMMENTS = 100;
/** Approvals asked for per page (servicedeskapi's own default is 50). */
const APPROVALS_PAGE = 50;
/** Transition lists kept (per issue and status) before the oldest are forgotten. */
const CACHE_MAX = 500;

const DECISION: Record<string, ApprovalDecision['decision']> = { pending: 'requested', approved: 'approved', declined: 'rejected' };

/**
 * One approver as patchbot's port has it. The id is the accountId (Cloud) or the username (Data
 * Center, assigned by an administrator); the display name only labels it. The e-mail counts as
 * verified on Cloud alone, where Atlassian verifies account addresses; on Data Center users of the
 * internal directory may edit their own.
 */
const decisionOf = ({ approver, approverDecision }: JiraApprover, cloud: boolean): ApprovalDecision => {
  const id = (cloud ? approver.accountId : (approver.name ?? approver.accountId)) || null;
  return {
    approver: approver.displayName || approver.name || approver.accountId || 'unknown',
    identity: { id, verifiedEmail: (cloud && approver.emailAddress) || null },
    decision: DECISION[approverDecision] ?? 'requested',
  };
};

/** Jira Cloud (REST v3, ADF) or Data Center (REST v2, wiki markup) issues as change tickets. */
export const jiraTicketing = (config: JiraConfig, options: JiraOptions = {}): Ticketing => {
  const jira = jiraClient(config, options);
  const steps: JiraSteps = { ...DEFAULT_STEPS, ...options.steps };
  const base = config.baseUrl.replace(/\/+$/, '');
  const rich = jira.cloud ? adfDocument : wikiDocument;
  const note = (text: string) => (jira.cloud ? adfText(text) : wikiText(text));
  const bodyText = (body: unknown) => (typeof body === 'string' ? unescapeWiki(body) : adfPlainText(body));
  const refOf = (key: string): TicketRef => ({ system: 'jira', key, url: `${base}/browse/${key}` });
  // Transitions offered depend on the issue's status, so a list stays right until the status moves.
  const transitionCache = new Map<string, Transition[]>();

  const transitions = async (key: string, status: string): Promise<Transition[]> => {
    const cacheKey = `${key}\u0000${status}`;
    const cached = transitionCache.get(cacheKey);
    if (cached) return cached;
    const { transitions: list } = await jira.call(Transitions, `listing the transitions of ${key}`, {
      method: 'GET',
      url: `${jira.api}/issue/${key}/transitions`,
      // Each transition's screen, so a required resolution is filled rather than refused.
      params: { expand: 'transitions.fields' },
    });
    if (transitionCache.size >= CACHE_MAX) transitionCache.delete(transitionCache.keys().next().value!);
    transitionCache.set(cacheKey, list);
    return list;
  };

  /** The issue's status, and whether it is in the Done category (however the workflow names it). */
  const statusOf = async (key: string): Promise<{ name: string; done: boolean }> => {
    const { status } = (await jira.call(IssueStatus, `reading ${key}`, { method: 'GET', url: `${jira.api}/issue/${key}`, params: { fields: 'status' } })).fields;
    return { name: status.name, done: status.statusCategory?.key === 'done' };
  };

  /**
   * Moves the issue phase by phase; answers the status it ends in, and the refusal that stopped it
   * on the way (a missing transition, a screen field patchbot cannot fill, a 4xx on the move).
   * Anything else (no answer, bad credentials) is thrown: the whole update is retried.
   */
  const moveTo = async (key: string, status: { name: string; done: boolean }, target: TicketPhase): Promise<{ status: string; refused: TicketingError | null }> => {
    let current = status.name;
    try {
      for (const phase of phasePath(phaseOfStatus(current, steps), target, status.done)) {
        const step = steps[phase];
        const available = await transitions(key, current);
        const transition = pickTransition(available, step);
        if (!transition) throw missingTransition(key, current, step, available);
        const fields = transitionFields(key, transition, phase);
        await jira.send(`moving ${key} with "${transition.name}"`, {
          method: 'POST',
          url: `${jira.api}/issue/${key}/transitions`,
          data: { transition: { id: transition.id }, ...(Object.keys(fields).length ? { fields } : {}) },
        });
        current = transition.to?.name ?? step.status;
      }
    } catch (error) {
      if (!(isTicketingError(error) && error.kind === 'rejected')) throw error;
      return { status: current, refused: error };
    }
    return { status: current, refused: null };
  };

  const lookup = issueLookup(jira, config, refOf, { searchLagMs: config.searchLag ?? DEFAULT_SEARCH_LAG_MS[config.deployment], ...(options.sleep ? { sleep: options.sleep } : {}) });

  // What the site allows, read once; until it has been read (the site was down at startup), opening waits for it.
  let facts: { plan: OptionPlan; lines: string[] } | null = null;
  const prepare = async (): Promise<ItsmFacts> => {
    const site = await readSiteFields(jira, config);
    if (config.mode === 'request' && !site.fields.some((f) => f.id === 'labels')) {
      throw new TicketingError(
        'rejected',
        'jira',
        `${site.where} has no Labels field on its form; patchbot labels each request patchbot-<change id> to find it again after a lost answer: add Labels to the request type's fields`,
      );
    }
    const resolved = resolveFields(config, site.fields, site.where);
    const mode = config.mode === 'request' ? `Service Management requests (${site.where})` : `issues (${site.where})`;
    facts = { plan: resolved.plan, lines: [`creates ${mode}`, ...resolved.lines] };
    return { lines: facts.lines };
  };

  const create = async (draft: TicketDraft): Promise<TicketRef> => {
    if (!facts) await prepare();
    const plan = facts!.plan;
    const what = `creating the Jira ${config.mode === 'request' ? 'request' : 'issue'} for ${draft.changeId}`;
    if (config.mode === 'request') {
      const created = await jira.call(CreatedRequest, what, { method: 'POST', url: '/rest/servicedeskapi/request', data: requestCreateBody(draft, config, plan) });
      return refOf(created.issueKey);
    }
    return refOf((await jira.call(CreatedIssue, what, { method: 'POST', url: `${jira.api}/issue`, data: issueCreateBody(draft, config, rich, plan) })).key);
  };

  return {
    kind: 'jira',
    prepare,
    find: (changeId) => lookup(changeId, false),

    async open(draft: TicketDraft, context?: OpenContext): Promise<OpenedTicket> {
      const ref = (await lookup(draft.changeId, context?.retry ?? false)) ?? (await create(draft));
      if (draft.approvalInItsm && draft.changeClass !== 'standard') {
        const { refused } = await moveTo(ref.key, await statusOf(ref.key), 'awaiting-approval');
        if (refused) throw refused;
      }
      return ref;
    },

    async record(ref: TicketRef, event: TicketEvent, context?: RecordContext): Promise<RecordResult> {
      const status = await statusOf(ref.key);
      const { comments } = await jira.call(Comments, `reading the comments of ${ref.key}`, {
        method: 'GET',
        url: `${jira.api}/issue/${ref.key}/comment`,
        params: { orderBy: '-created', maxResults: RECENT_COMMENTS },
      });
      if (comments.some((c) => bodyText(c.body).includes(eventStamp(event.id)))) return { state: status.name, skipped: true };
      const move = moveFor(event);
      // A move the workflow refuses (no transition "Implement" on a running change, no way out of
      // Completed for a backout) does not lose the comment: it is the issue's only record of the
      // event, so it goes on, saying where the issue is, and the thread hears why (the refusal
      // thrown below, a card naming the missing transition). The event is then not retried.
      const moved = move.phase ? await moveTo(ref.key, status, move.phase) : { status: status.name, refused: null };
      const stuck = moved.refused;
      const where = moved.status === status.name ? `stays ${status.name}` : `is in ${moved.status}`;
      const text =
        stuck && move.phase
          ? stampedNote(event).replace(/\n(\[patchbot event)/, `\nJira: the issue ${where}; its workflow could not move it to ${steps[move.phase].status}.\n$1`)
          : stampedNote(event);
      // The comment goes last: its stamp is what marks the event done.
      await jira.send(`commenting on ${ref.key}`, { method: 'POST', url: `${jira.api}/issue/${ref.key}/comment`, data: { body: fittedComment(text, note) } });
      if (stuck) throw new TicketingError('rejected', 'jira', `${stuck.message} The comment is on ${ref.key}; only the move is missing.`, { status: stuck.status });
      // Closed by someone in Jira while the change goes on (any Done-category status): comments only now.
      const finished = status.done || isFinished(phaseOfStatus(status.name, steps));
      return { state: moved.status, skipped: false, ...(closedOutside(finished, status.name, event, context) ? { closedOutside: true as const } : {}) };
    },

    async approvalOf(ref: TicketRef): Promise<TicketApproval> {
      const values: ServiceDeskApprovals['values'] = [];
      // Paged like every servicedeskapi list: an approval left on a later page could be the one still pending.
      for (let start = 0, last = false; !last; start += APPROVALS_PAGE) {
        const page = await jira
          .call(ServiceDeskApprovals, `reading the approvals of ${ref.key}`, {
            method: 'GET',
            url: `/rest/servicedeskapi/request/${ref.key}/approval`,
            params: { start, limit: APPROVALS_PAGE },
          })
          .catch((error: unknown) => {
            // Not a service request (a plain Jira project): nobody approves it in Jira.
            if (isTicketingError(error) && error.status === 404) return { values: [], isLastPage: true };
            throw error;
          });
        values.push(...page.values);
        last = page.isLastPage || page.values.length === 0;
      }
      const decisions = values.flatMap((approval) => approval.approvers.map((a) => decisionOf(a, jira.cloud)));
      const finals = values.map((a) => a.finalDecision);
      const state = finals.includes('declined') ? 'rejected' : finals.length === 0 ? 'not-requested' : finals.every((f) => f === 'approved') ? 'approved' : 'requested';
      // The issue itself cancelled or declined (a Done status) while approvals still wait: said, so the change ends.
      const ended = await readEnded(jira, ref.key, steps);
      return { state, decisions, ...(ended ? { ended } : {}) };
    },
  };
};

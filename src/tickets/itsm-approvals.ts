import { castVote } from '../changes/cast-vote.ts';
import type { Change } from '../changes/change.ts';
import { isExpired } from '../changes/tally.ts';
import { transitionChange } from '../changes/transition.ts';
import type { Config } from '../config/schema.ts';
import type { Person } from '../people/person.ts';
import type { Logger } from '../shared/logger.ts';
import { SYSTEM_LABEL, type TicketNotices, type TicketSyncStore } from './ticket-sync-deps.ts';
import type { ApprovalDecision, Ticketing, TicketRef } from './ticketing.ts';

export interface ItsmApprovalDeps {
  store: TicketSyncStore;
  ticketing: Ticketing;
  config: Pick<Config, 'approval'>;
  notices: TicketNotices;
  /** Starts the rollout of a change just approved (rollout-jobs' kickRollout). */
  kick(changeId: string, reason: string): Promise<void>;
  log: Logger;
  now?: () => Date;
}

export type ItsmApprovalOutcome = 'approved' | 'rejected' | 'undecided' | 'not-pending' | 'no-ticket' | 'chat-only' | 'refused';

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** An ITSM approver as a patchbot person: by name or by e-mail (what ServiceNow and Jira display). */
const personNamed = (people: readonly Person[], approver: string): Person | undefined => people.find((p) => same(p.name, approver) || (p.email !== undefined && same(p.email, approver)));

/**
 * Each ITSM approver who is a patchbot person votes through the same use case as a chat click
 * (castVote: one person one vote, separation of duties, eligibility, the one tally). Refusals
 * change nothing, as in chat.
 */
const castItsmVotes = async (deps: ItsmApprovalDeps, change: Change, ref: TicketRef, decisions: ApprovalDecision[], now: Date): Promise<'approved' | 'rejected' | null> => {
  const [people, votes] = await Promise.all([deps.store.people.list(), deps.store.votes.list(change.id)]);
  for (const d of decisions) {
    const person = d.decision === 'requested' ? undefined : personNamed(people, d.approver);
    if (!person) continue;
    const decision = d.decision === 'approved' ? 'approve' : 'reject';
    // Polling reads the same decisions again and again: a vote already counted is not cast twice.
    if (votes.some((v) => v.person === person.name && v.decision === decision && v.surface === ref.system)) continue;
    const result = await castVote(deps.store, { changeId: change.id, person: person.name, decision, comment: `in ${SYSTEM_LABEL[ref.system]} ${ref.key}`, surface: ref.system, now });
    if (result.status === 'refused') deps.log.info({ person: person.name, refusal: result.refusal }, 'ITSM vote not counted');
    else if (result.decided) return result.decided;
  }
  return null;
};

/**
 * The ITSM's final decision decides (approval.source itsm or both): its own approval rules (the
 * CAB in ServiceNow, Service Management approvers) have run. Audited with the approvers' names.
 */
const decide = async (deps: ItsmApprovalDeps, changeId: string, ref: TicketRef, decided: 'approved' | 'rejected', decisions: ApprovalDecision[], now: Date): Promise<ItsmApprovalOutcome> => {
  const label = SYSTEM_LABEL[ref.system] ?? ref.system;
  const named = decisions.filter((d) => d.decision === decided).map((d) => d.approver);
  const by = named.length ? named : [`${label} approval`];
  const people = await deps.store.people.list();
  return deps.store.transaction(async (tx) => {
    const change = await tx.changes.getForUpdate(changeId);
    if (!change || change.state !== 'pending-approval') return 'not-pending';
    if (isExpired(change, now)) {
      await transitionChange(tx, change, 'expired', 'patchbot', now, { reason: 'approval window elapsed' });
      return 'not-pending';
    }
    // Separation of duties holds in the ITSM too: the requester alone never approves.
    if (decided === 'approved' && named.length > 0 && named.every((n) => personNamed(people, n)?.name === change.requester)) {
      await tx.audit.append({
        actor: `${ref.system}:${named.join(', ')}`,
        action: 'itsm.approval-refused',
        subject: changeId,
        data: { ticket: ref.key, reason: 'approved only by the requester' },
        at: now,
      });
      return 'refused';
    }
    const source = { source: ref.system, ticket: ref.key, decisions };
    const data =
      decided === 'approved'
        ? { approvers: by.map((n) => `${n} (in ${label})`), ...source }
        : { rejections: by.map((n) => `${n} (in ${label})`), reason: `rejected in ${label} ${ref.key}`, ...source };
    await transitionChange(tx, change, decided, by.join(', '), now, data);
    return decided;
  });
};

/**
 * Reads the change's approval back from its ticket and applies it. Called for a webhook nudge
 * and by polling; safe to repeat (a decided change is left alone). Throws TicketingError when the
 * ITSM cannot be read; the caller's job retries.
 */
export const applyItsmApproval = async (deps: ItsmApprovalDeps, changeId: string): Promise<ItsmApprovalOutcome> => {
  if (deps.config.approval.source === 'chat') return 'chat-only';
  const now = deps.now?.() ?? new Date();
  const change = await deps.store.changes.get(changeId);
  if (!change || change.state !== 'pending-approval') return 'not-pending';
  const link = (await deps.store.tickets.forChange(changeId)).find((l) => l.system === deps.ticketing.kind);
  if (!link) return 'no-ticket';
  const ref: TicketRef = { system: deps.ticketing.kind, key: link.key, url: link.url };
  const approval = await deps.ticketing.approvalOf(ref);
  const log = deps.log.child({ change: changeId, ticket: ref.key, approval: approval.state });
  // Only the call whose vote or transition decided the change reports it: a concurrent check finds it decided.
  let outcome: ItsmApprovalOutcome = (await castItsmVotes(deps, change, ref, approval.decisions, now)) ?? 'undecided';
  if (outcome === 'undecided' && (approval.state === 'approved' || approval.state === 'rejected')) {
    outcome = await decide(deps, changeId, ref, approval.state, approval.decisions, now);
  }
  const label = SYSTEM_LABEL[ref.system] ?? ref.system;
  if (outcome === 'approved') await deps.kick(changeId, `itsm-approved:${ref.key}`);
  if (outcome === 'approved' || outcome === 'rejected') {
    log.info({ outcome }, 'change decided in the ITSM');
    const who = approval.decisions.filter((d) => d.decision === outcome).map((d) => d.approver);
    await deps.notices.post(changeId, { title: `${outcome} in ${label}`, text: `${ref.key} was ${outcome}${who.length ? ` by ${who.join(', ')}` : ''} in ${label}.` });
    await deps.notices.refresh(changeId);
  } else if (outcome === 'refused' && (await deps.store.idempotency.claim(`itsm-refused:${changeId}:${ref.key}`, now))) {
    log.warn('ITSM approval by the requester alone; not applied');
    await deps.notices.post(changeId, {
      title: `approval in ${label} not applied`,
      text: `${ref.key} was approved in ${label} only by the requester, ${change.requester}; separation of duties needs someone else to approve it.`,
    });
  }
  return outcome;
};

import { castVote } from '../changes/cast-vote.ts';
import type { Change } from '../changes/change.ts';
import { isExpired } from '../changes/tally.ts';
import { transitionChange } from '../changes/transition.ts';
import type { Config } from '../config/schema.ts';
import type { Person } from '../people/person.ts';
import type { Logger } from '../shared/logger.ts';
import { endedNotice, endFromItsm, NOT_STARTED } from './itsm-ended.ts';
import { personOfApprover, type Separation, separationOf } from './itsm-people.ts';
import { SYSTEM_LABEL, type TicketNotices, type TicketSyncStore } from './ticket-sync-deps.ts';
import type { ApprovalDecision, Ticketing, TicketRef } from './ticketing.ts';
import { hostText } from '../shared/host-text.ts';

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

/** `unproven`: approved in the ITSM, but patchbot cannot tell that anyone but the requester approved; the change waits. */
export type ItsmApprovalOutcome = 'approved' | 'rejected' | 'cancelled' | 'undecided' | 'not-pending' | 'no-ticket' | 'chat-only' | 'refused' | 'unproven';

type Decided = { outcome: ItsmApprovalOutcome; unproven?: Extract<Separation, { kind: 'unprovable' }> };

/** How an approver appears in the audit log: the person they are, or the ITSM's display name marked as such. */
const labelOf = (people: readonly Person[], ref: TicketRef, label: string, d: ApprovalDecision): string => personOfApprover(people, ref.system, d)?.name ?? `${d.approver} (in ${label})`;

/**
 * Each ITSM approver who is a patchbot person (by account id, see itsm-people.ts) votes through the same use case as a chat click
 * (castVote: one person one vote, separation of duties, eligibility, the one tally). Refusals
 * change nothing, as in chat.
 */
const castItsmVotes = async (deps: ItsmApprovalDeps, change: Change, ref: TicketRef, decisions: ApprovalDecision[], now: Date): Promise<'approved' | 'rejected' | null> => {
  const [people, votes] = await Promise.all([deps.store.people.list(), deps.store.votes.list(change.id)]);
  for (const d of decisions) {
    const person = d.decision === 'requested' ? undefined : personOfApprover(people, ref.system, d);
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
 * CAB in ServiceNow, Service Management approvers) have run. An approval applies only when
 * separation of duties is proven (itsm-people.ts); a rejection always applies, refusing is safe.
 */
const decide = async (deps: ItsmApprovalDeps, changeId: string, ref: TicketRef, decided: 'approved' | 'rejected', decisions: ApprovalDecision[], now: Date): Promise<Decided> => {
  const label = SYSTEM_LABEL[ref.system] ?? ref.system;
  const people = await deps.store.people.list();
  const deciding = decisions.filter((d) => d.decision === decided);
  const named = deciding.map((d) => labelOf(people, ref, label, d));
  const by = named.length ? named : [`${label} approval`];
  return deps.store.transaction(async (tx): Promise<Decided> => {
    const change = await tx.changes.getForUpdate(changeId);
    if (!change || change.state !== 'pending-approval') return { outcome: 'not-pending' };
    if (isExpired(change, now)) {
      await transitionChange(tx, change, 'expired', 'patchbot', now, { reason: 'approval window elapsed' });
      return { outcome: 'not-pending' };
    }
    const separation = decided === 'approved' ? separationOf(people, ref.system, change.requester, deciding, label) : ({ kind: 'proven' } as const);
    if (separation.kind === 'unprovable') return { outcome: 'unproven', unproven: separation };
    // Separation of duties holds in the ITSM too: the requester alone never approves.
    if (separation.kind === 'requester-only') {
      await tx.audit.append({
        actor: `${ref.system}:${named.join(', ')}`,
        action: 'itsm.approval-refused',
        subject: changeId,
        data: { ticket: ref.key, reason: 'approved only by the requester' },
        at: now,
      });
      return { outcome: 'refused' };
    }
    const source = { source: ref.system, ticket: ref.key, decisions };
    const data = decided === 'approved' ? { approvers: by, ...source } : { rejections: by, reason: `rejected in ${label} ${ref.key}`, ...source };
    await transitionChange(tx, change, decided, by.join(', '), now, data);
    return { outcome: decided };
  });
};

/** Audits and tells the change's thread, once per ticket, why an ITSM approval waits and what to set. */
const reportUnproven = async (deps: ItsmApprovalDeps, changeId: string, ref: TicketRef, unproven: Decided['unproven'], decisions: ApprovalDecision[], now: Date) => {
  if (!unproven || !(await deps.store.idempotency.claim(`itsm-unproven:${changeId}:${ref.key}`, now))) return;
  const label = SYSTEM_LABEL[ref.system] ?? ref.system;
  deps.log.warn({ change: changeId, ticket: ref.key, why: unproven.why }, 'ITSM approval not applied: separation of duties unproven');
  await deps.store.transaction((tx) =>
    tx.audit.append({
      actor: 'patchbot',
      action: 'itsm.approval-unproven',
      subject: changeId,
      data: { ticket: ref.key, reason: unproven.why, fix: unproven.fix, decisions },
      at: now,
    }),
  );
  await deps.notices.post(changeId, {
    title: `approval in ${label} not applied yet`,
    text: `${ref.key} was approved in ${label}, but ${hostText(unproven.why)}. To apply it, ${hostText(unproven.fix)}; the next check applies it. Until then the change waits for approval.`,
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
  // Approved but not started: only a ticket ended in the ITSM still matters (itsm-ended.ts).
  if (!change || !(change.state === 'pending-approval' || NOT_STARTED.includes(change.state))) return 'not-pending';
  const link = (await deps.store.tickets.forChange(changeId)).find((l) => l.system === deps.ticketing.kind);
  if (!link) return 'no-ticket';
  const ref: TicketRef = { system: deps.ticketing.kind, key: link.key, url: link.url };
  const approval = await deps.ticketing.approvalOf(ref);
  const log = deps.log.child({ change: changeId, ticket: ref.key, approval: approval.state });
  // The ticket itself ended in the ITSM: that outranks any approval on it (approved, then cancelled) and any vote.
  if (approval.ended) {
    const ended = await endFromItsm(deps.store, changeId, ref, approval.ended, approval.decisions, now);
    if (ended === 'not-pending') return ended;
    log.info({ outcome: ended, ticketState: approval.ended.state }, 'ticket ended in the ITSM while awaiting approval');
    await deps.notices.post(changeId, endedNotice(changeId, ref, approval.ended, change.state));
    await deps.notices.refresh(changeId);
    return ended;
  }
  if (change.state !== 'pending-approval') return 'not-pending';
  // Only the call whose vote or transition decided the change reports it: a concurrent check finds it decided.
  let outcome: ItsmApprovalOutcome = (await castItsmVotes(deps, change, ref, approval.decisions, now)) ?? 'undecided';
  if (outcome === 'undecided' && (approval.state === 'approved' || approval.state === 'rejected')) {
    const decided = await decide(deps, changeId, ref, approval.state, approval.decisions, now);
    outcome = decided.outcome;
    if (outcome === 'unproven') await reportUnproven(deps, changeId, ref, decided.unproven, approval.decisions, now);
  }
  const label = SYSTEM_LABEL[ref.system] ?? ref.system;
  if (outcome === 'approved') await deps.kick(changeId, `itsm-approved:${ref.key}`);
  if (outcome === 'approved' || outcome === 'rejected') {
    log.info({ outcome }, 'change decided in the ITSM');
    // The ITSM's display names, which their owners type: host text in the card (hostText).
    const who = approval.decisions.filter((d) => d.decision === outcome).map((d) => hostText(d.approver));
    await deps.notices.post(changeId, { title: `${outcome} in ${label}`, text: `${ref.key} was ${outcome}${who.length ? ` by ${who.join(', ')}` : ''} in ${label}.` });
    await deps.notices.refresh(changeId);
  } else if (outcome === 'refused' && (await deps.store.idempotency.claim(`itsm-refused:${changeId}:${ref.key}`, now))) {
    log.warn('ITSM approval by the requester alone; not applied');
    await deps.notices.post(changeId, {
      title: `approval in ${label} not applied`,
      text: `${ref.key} was approved in ${label} only by the requester, ${hostText(change.requester)}; separation of duties needs someone else to approve it.`,
    });
  }
  return outcome;
};

import { describePolicy } from '../../changes/approval-policy.ts';
import type { Change, Vote } from '../../changes/change.ts';
import type { Tally } from '../../changes/tally.ts';
import type { TicketLink } from '../../tickets/ticket-store.ts';
import type { Patch } from '../../discovery/patch.ts';
import { type Card, type CardAction, type CardField, CARD_LIMITS, clip, listOf } from '../card.ts';
import { patchListAction, WHAT_IN_FULL, whatValue } from './patch-list.ts';
import { hostText } from '../../shared/host-text.ts';

export interface Decision {
  outcome: 'approved' | 'rejected';
  by: string;
  at: Date;
}

export interface ApprovalCardInput {
  /** Hosts per target group, as resolved from the inventory now. */
  hostCountsByGroup: ReadonlyMap<string, number>;
  votes: readonly Vote[];
  tally: Tally;
  tickets: readonly TicketLink[];
  /** Set once the change is decided: the buttons go, the decision line comes. */
  decided?: Decision | null;
  /** The stored wave plan, summarised: what the approvers vote on. */
  plan?: readonly string[];
  /** Where the rollout stands ("Wave 2 of 3 (prod-web): 18 of 40 hosts done"). */
  progress?: string | null;
  /** The state as people should read it ("completed with 2 failed hosts", "… (dry run)"); default: the state. */
  stateText?: string;
  /** The catalogue rows of the change's patches: severities for a long WHAT's summary. */
  patches?: ReadonlyMap<string, Patch>;
  /** When it runs, in words (window-outlook.ts `changeWhen`): the real window and its next opening, or the immediate start. */
  when: string;
}

/** `14:02 UTC`. */
export const clock = (at: Date): string => `${at.toISOString().slice(11, 16)} UTC`;

const VOTER_NAMES: Record<string, string> = { 'role:cab': 'CAB', 'role:oncall': 'on-call', 'role:admin': 'admin' };

/** "CAB", "on-call", "role:approver:db or alice": who the approvals are from, in words. */
const votersOf = (change: Change): string => change.policy.eligible.map((e) => VOTER_NAMES[e] ?? e).join(' or ');

/**
 * People's names as the cards show them: typed by people (in the config, a chat profile, the ITSM),
 * so through hostText, as the change's title is.
 */
const names = (people: readonly string[]): string => people.map(hostText).join(', ');

/** "2 of 3 CAB approvals: bob, carol" (and the rejections, if any). */
export const tallyLine = (change: Change, tally: Tally): string => {
  if (change.policy.required === 0) return 'Pre-approved: a standard change needs no votes (still audited).';
  const voters = votersOf(change);
  const approvals = `${tally.approvals.length} of ${change.policy.required}${voters ? ` ${voters}` : ''} approval${change.policy.required === 1 ? '' : 's'}${tally.approvals.length ? `: ${names(tally.approvals)}` : ''}`;
  const rejections = tally.rejections.length ? `; rejected by ${names(tally.rejections)}` : '';
  return `${approvals}${rejections}`;
};

/** "Approved by carol at 14:02 UTC (3 of 3)". */
export const decisionLine = (change: Change, tally: Tally, decision: Decision): string => {
  const verb = decision.outcome === 'approved' ? 'Approved' : 'Rejected';
  const score = decision.outcome === 'approved' ? `${tally.approvals.length} of ${change.policy.required}` : `${tally.rejections.length} reject${tally.rejections.length === 1 ? '' : 's'}`;
  return `${verb} by ${hostText(decision.by)} at ${clock(decision.at)} (${score})`;
};

const STATE_LINES: Partial<Record<Change['state'], string>> = {
  expired: 'Expired without a decision; propose it again.',
  cancelled: 'Cancelled.',
  draft: 'Draft: not yet sent for approval.',
};

/** Production and emergency changes ask "are you sure?" before a vote is sent. */
const needsConfirm = (change: Change) => change.class === 'emergency' || change.policyName === 'production';

const buttons = (change: Change): CardAction[] => {
  const confirm = (verb: string) =>
    needsConfirm(change)
      ? {
          confirm: {
            title: clip(`${verb} ${change.id}?`, CARD_LIMITS.confirmTitle),
            text: clip(
              `${change.class === 'emergency' ? 'EMERGENCY change' : 'Production change'} to ${change.targets.join(', ')}: your vote is recorded and audited.`,
              CARD_LIMITS.confirmText,
            ),
            confirm: verb,
            deny: 'Cancel',
          },
        }
      : {};
  return [
    { id: 'change.approve', label: 'Approve', style: 'primary', value: change.id, ...confirm('Approve') },
    { id: 'change.reject', label: 'Reject', style: 'danger', value: change.id, ...confirm('Reject') },
  ];
};

/**
 * The card a change is voted on, the same on every surface: what, where, when, class, policy,
 * requester and the live tally, with Approve / Reject while it is pending. Once decided the buttons
 * are gone and a line says who decided when.
 */
export const approvalCard = (change: Change, input: ApprovalCardInput): Card => {
  const emergency = change.class === 'emergency';
  const where = change.targets.map((g) => {
    const n = input.hostCountsByGroup.get(g);
    return `${g} (${n === undefined ? '? hosts' : `${n} host${n === 1 ? '' : 's'}`})`;
  });
  const fields: CardField[] = [
    { label: 'What', value: clip(whatValue(change, input.patches ?? new Map()), CARD_LIMITS.fieldChars) },
    { label: 'Where', value: clip(where.join(', '), CARD_LIMITS.fieldChars) },
    { label: 'When', value: clip(input.when, CARD_LIMITS.fieldChars) },
    { label: 'Class', value: emergency ? '🚨 EMERGENCY (post-implementation review)' : change.class },
    { label: 'Policy', value: clip(`${change.policyName}: ${describePolicy(change.policy)}`, CARD_LIMITS.fieldChars) },
    { label: 'Requested by', value: clip(hostText(change.requester), CARD_LIMITS.fieldChars) },
    { label: 'State', value: clip(input.stateText ?? change.state, CARD_LIMITS.fieldChars) },
  ];
  if (change.parentId) fields.push({ label: 'Rolls back', value: change.parentId });
  if (input.progress) fields.push({ label: 'Progress', value: clip(input.progress, CARD_LIMITS.fieldChars) });
  if (input.tickets.length)
    fields.push({ label: 'Tickets', value: clip(input.tickets.map((t) => `${t.system} ${t.key}${t.state ? ` (${t.state})` : ''}`).join(', '), CARD_LIMITS.fieldChars) });

  const lines = [tallyLine(change, input.tally)];
  const comments = input.votes.filter((v) => v.comment).map((v) => `${hostText(v.person)} (${v.decision}): ${hostText(clip(v.comment ?? '', 200))}`);
  if (input.decided) lines.push(decisionLine(change, input.tally, input.decided));
  else if (STATE_LINES[change.state]) lines.push(STATE_LINES[change.state] ?? '');
  const pending = change.state === 'pending-approval' && !input.decided;
  if (pending && change.expiresAt) lines.push(`Expires ${change.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC if undecided.`);

  return {
    title: clip(`${emergency ? '🚨 EMERGENCY ' : ''}${change.id}: ${hostText(change.title)}`, CARD_LIMITS.titleChars),
    text: clip(lines.join('\n'), CARD_LIMITS.sectionChars),
    fields,
    ...(comments.length || input.plan?.length
      ? {
          lists: [
            ...(input.plan?.length ? [listOf(input.plan, 8, `\`show ${change.id}\` for the whole plan`, 'Plan')] : []),
            ...(comments.length ? [listOf(comments, 5, `\`show ${change.id}\` for all`, 'Comments')] : []),
          ],
        }
      : {}),
    ...(pending || change.patches.length > WHAT_IN_FULL ? { actions: [...(pending ? buttons(change) : []), ...patchListAction(change)] } : {}),
    context: clip(`${change.id} · proposed ${change.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`, CARD_LIMITS.sectionChars),
    threadKey: `change:${change.id}`,
  };
};

/** The decision posted into the change's thread; `when` as on the card. */
export const decisionCard = (change: Change, tally: Tally, decision: Decision, when: string): Card => ({
  title: clip(`${change.class === 'emergency' ? '🚨 EMERGENCY ' : ''}${change.id} ${decision.outcome}`, CARD_LIMITS.titleChars),
  text: clip(`${decisionLine(change, tally, decision)}.${decision.outcome === 'approved' ? ` When: ${when}.` : ''}`, CARD_LIMITS.sectionChars),
  threadKey: `change:${change.id}`,
});

import type { Change, Vote } from '../../changes/change.ts';
import type { ChangeRepos } from '../../changes/change-store.ts';
import { isEligible, tally } from '../../changes/tally.ts';
import type { InventoryRepos } from '../../inventory/inventory-store.ts';
import type { PeopleRepos } from '../../people/people-store.ts';
import { planSummary } from '../../rollouts/plan-summary.ts';
import { planHosts, RolloutPlan } from '../../rollouts/rollout-plan.ts';
import type { RolloutRepos } from '../../rollouts/rollout-store.ts';
import { changeWhen, type WindowSchedule } from '../../rollouts/window-outlook.ts';
import type { TicketRepos } from '../../tickets/ticket-store.ts';
import type { Card } from '../card.ts';
import type { DiscoveryRepos } from '../../discovery/discovery-store.ts';
import { approvalCard, type Decision } from './approval-card.ts';
import { WHAT_IN_FULL } from './patch-list.ts';
import { progressLine, stateNeedsRuns, stateText } from './rollout-cards.ts';
import { hostText } from '../../shared/host-text.ts';

/**
 * Who decided a decided change: the latest vote for the outcome (the one that tipped it). Null
 * for pending, pre-approved and otherwise-ended changes.
 */
const decisionOf = (change: Change, votes: readonly Vote[]): Decision | null => {
  if (change.state === 'draft' || change.state === 'pending-approval' || change.state === 'expired') return null;
  // Rejected: the reject that decided. Any later state (scheduled, running, completed…) came from
  // an approval: the approve that tipped it, so the card keeps saying who approved.
  const decision = change.state === 'rejected' ? 'reject' : 'approve';
  const deciding = votes
    .filter((v) => v.decision === decision)
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .at(-1);
  return deciding ? { outcome: decision === 'reject' ? 'rejected' : 'approved', by: deciding.person, at: deciding.at } : null;
};

/** What the approval card shows: the change and its votes, hosts, people, tickets and progress. */
export type CardStore = ChangeRepos & InventoryRepos & PeopleRepos & Pick<TicketRepos, 'tickets'> & RolloutRepos & Pick<DiscoveryRepos, 'patches'>;

/** What the card's *When* is worked out from: the windows and blackouts, and the time it is now. */
export interface CardTiming {
  schedule: WindowSchedule;
  now: Date;
}

/** The cards' *When*: an immediate start names its requester, a person's name, so through hostText. */
export const cardWhen = (schedule: WindowSchedule, change: Change, now: Date): string => changeWhen(schedule, { ...change, requester: hostText(change.requester) }, now);

/** The approval card of a change as the store has it now: host counts, votes, tally, tickets, and when it runs. */
export const loadApprovalCard = async (store: CardStore, change: Change, timing: CardTiming, decided?: Decision | null): Promise<Card> => {
  // Counted in the store: a card is redrawn at every vote and move, and a change may cover
  // 100,000 hosts (reading the inventory and every run, with its output, for it took seconds).
  const [hostCountsByGroup, votes, tickets, people, progress, counts, patches] = await Promise.all([
    store.groups.memberCounts(change.targets),
    store.votes.list(change.id),
    store.tickets.forChange(change.id),
    store.people.list(),
    store.rollouts.progress(change.id),
    store.rollouts.stateCounts(change.id),
    // Only a long WHAT is summarised by severity; a short one names the ids without a lookup.
    change.patches.length > WHAT_IN_FULL ? store.patches.byIds(change.patches) : Promise.resolve([]),
  ]);
  const plan = RolloutPlan.safeParse(change.plan);
  const wave = plan.success && progress && progress.phase !== 'done' ? plan.data.waves[progress.wave] : undefined;
  const progressText =
    progress && plan.success ? progressLine(counts, planHosts(plan.data).length, wave ? { index: progress.wave, count: plan.data.waves.length, name: wave.name } : null) : null;
  const electorate = people.filter((p) => isEligible(change.policy, p, change.requester).ok).length;
  const counted = tally(change.policy, votes, change.requester, electorate);
  return approvalCard(change, {
    hostCountsByGroup,
    votes,
    tally: counted,
    tickets,
    decided: decided === undefined ? decisionOf(change, votes) : decided,
    ...(plan.success ? { plan: planSummary(plan.data) } : {}),
    progress: progressText,
    stateText: stateText(change, counts, stateNeedsRuns(counts) ? await store.rollouts.runs(change.id) : []),
    patches: new Map(patches.map((p) => [p.id, p])),
    when: cardWhen(timing.schedule, change, timing.now),
  });
};

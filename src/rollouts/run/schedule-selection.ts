import type { ApprovalConfig } from '../../changes/approval-policy-config.ts';
import { choosePolicy, isPreApproved } from '../../changes/approval-policy.ts';
import type { ProposalSchedule } from '../../config/schema-windows.ts';
import type { CatalogPatch, ClaimFloor } from '../../discovery/patch.ts';
import type { Group } from '../../inventory/host.ts';
import type { Logger } from '../../shared/logger.ts';

/** Patches named in the log line of one firing, at most: the count says how many there were. */
const MAX_LOGGED = 20;

const selects = (selector: ProposalSchedule['patches'], id: string, claim: ClaimFloor): boolean => {
  if (Array.isArray(selector)) return selector.includes(id);
  if (selector === 'security') return claim.security;
  if (selector === 'critical') return claim.severity === 'critical';
  if (selector === 'important') return claim.severity === 'critical' || claim.severity === 'important';
  return true;
};

export interface ScheduleSelection {
  schedule: ProposalSchedule;
  approval: ApprovalConfig;
  /** The inventory's groups: whether a target is production chooses the policy, as the proposal will. */
  groups: readonly Group[];
  /** The patches still needed on the schedule's targets and not already underway. */
  candidates: readonly CatalogPatch[];
  log: Logger;
  firedAt: string;
}

/**
 * Which of the candidates a schedule proposes, by id. Managed hosts may lie (DESIGN §8), and the
 * catalog keeps the strongest and the weakest claim the hosts made about each patch
 * (catalog-merge.ts). What GRANTS rests on the weakest: a schedule whose changes are pre-approved
 * (the policy its class and targets get requires no approval, as `standard` does by default)
 * selects by the weakest claim, so one host calling a patch critical or security cannot make it
 * ship to every host with nobody's vote. What a person approves (`normal`) selects by the
 * strongest, what warns: the approver sees the patch and decides. A patch a pre-approved schedule
 * leaves out only because the hosts disagree about it is logged with both claims, so that an
 * operator can see why (and propose it as a normal change).
 */
export const scheduledPatches = ({ schedule, approval, groups, candidates, log, firedAt }: ScheduleSelection): string[] => {
  const production = groups.some((g) => g.production && schedule.targets.includes(g.name));
  if (!isPreApproved(choosePolicy(approval, schedule.class, { production }).snapshot)) {
    return candidates.filter((p) => selects(schedule.patches, p.id, p)).map((p) => p.id);
  }
  const disputed = candidates.filter((p) => selects(schedule.patches, p.id, p) && !selects(schedule.patches, p.id, p.floor));
  if (disputed.length) {
    log.warn(
      {
        schedule: schedule.name,
        firedAt,
        count: disputed.length,
        patches: disputed.slice(0, MAX_LOGGED).map((p) => ({ patch: p.id, catalog: { severity: p.severity, security: p.security }, weakest: p.floor })),
      },
      'pre-approved recurring proposal left out patches the hosts disagree about',
    );
  }
  return candidates.filter((p) => selects(schedule.patches, p.id, p.floor)).map((p) => p.id);
};

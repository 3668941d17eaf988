import { checkPlaybooksFit } from '../playbook-fit.ts';
import { planHosts } from '../rollout-plan.ts';
import { SCHEDULE_REQUESTER, proposeChange } from '../../changes/propose-change.ts';
import type { ProposalSchedule } from '../../config/schema-windows.ts';
import { findGroup } from '../../inventory/resolve.ts';
import { scheduleQueue } from '../../jobs/scheduler.ts';
import { planRollout } from '../plan.ts';
import type { RolloutDeps } from './rollout-deps.ts';
import { scheduledPatches } from './schedule-selection.ts';

/**
 * The targets' hosts by name, membership evaluated in the store. The config names known groups
 * only; one gone from the store since gets the usual "no group named …" with the closest names.
 */
const targetHosts = async (store: RolloutDeps['store'], targets: readonly string[]): Promise<string[]> => {
  const names = new Set<string>();
  for (const target of targets) {
    const members = await store.groups.memberNames(target);
    if (!members) findGroup({ hosts: [], groups: await store.groups.list() }, target);
    for (const name of members ?? []) names.add(name);
  }
  return [...names];
};

export const proposalScheduleName = (schedule: Pick<ProposalSchedule, 'name'>) => `proposal-${schedule.name}`;

/**
 * One firing of a recurring proposal ("security updates for staging, every Tuesday 22:00"):
 * the selected patches still missing on the targets' hosts, proposed to the targets in the
 * schedule's window, requested by the schedule. Nothing missing: nothing proposed, and the log
 * says so. The approval rules are the normal ones; a pre-approved schedule's selector reads the
 * weakest claim the hosts made about each patch (schedule-selection.ts).
 */
export const proposeOnSchedule = async (deps: RolloutDeps, schedule: ProposalSchedule, firedAt: string): Promise<string | null> => {
  const { store, config, log } = deps;
  // What the targets' hosts miss, counted in the store over just those hosts (a query per host
  // was 50,000 statements for a group of 50,000), and the catalog rows of only those patches.
  const pending = await store.findings.pendingIn(await targetHosts(store, schedule.targets));
  // Patches an open change already carries are its to deliver: proposing them again would put two
  // changes on the same hosts (and the second one's rollback record would be taken mid-upgrade).
  const open = await store.changes.list({ states: ['pending-approval', 'approved', 'scheduled', 'running', 'paused', 'halted'], limit: 100_000 });
  const underway = new Set(open.filter((c) => c.targets.some((t) => schedule.targets.includes(t))).flatMap((c) => c.patches));
  const groups = await store.groups.list();
  const candidates = await store.patches.byIds(pending.patches.map((p) => p.id).filter((id) => !underway.has(id)));
  // A pre-approved schedule selects on the weakest claim the hosts made, a voted one on the strongest.
  const patches = scheduledPatches({ schedule, approval: config.approval, groups, candidates, log, firedAt }).sort();
  if (patches.length === 0) {
    log.info({ schedule: schedule.name, firedAt }, 'recurring proposal found nothing to propose');
    return null;
  }
  const hosts = await store.hosts.list();
  const plan = planRollout({ targets: schedule.targets, hosts, groups, config: config.rollout, class: schedule.class });
  const planned = new Set(planHosts(plan));
  try {
    checkPlaybooksFit(
      deps.catalog,
      hosts.filter((h) => planned.has(h.name)),
      patches,
    );
  } catch (error) {
    // Refused now, not at run time; a schedule has nobody to answer, so the log says why.
    log.warn({ schedule: schedule.name, firedAt, err: error }, 'recurring proposal refused: its playbooks cannot run it');
    return null;
  }
  const title = `${patches.length <= 3 ? patches.join(', ') : `${patches.length} ${Array.isArray(schedule.patches) ? '' : `${schedule.patches} `}patches`} to ${schedule.targets.join(', ')} (${schedule.name})`;
  const change = await proposeChange(
    store,
    { approval: config.approval, windows: Object.keys(config.windows) },
    { patches, targets: schedule.targets, window: schedule.window, class: schedule.class, requester: `${SCHEDULE_REQUESTER}${schedule.name}`, title, plan, now: new Date(firedAt) },
  );
  await deps.notices.proposed(change);
  log.info({ schedule: schedule.name, change: change.id, patches: patches.length }, 'recurring proposal made');
  return change.id;
};

export const registerRecurringProposals = async (deps: RolloutDeps): Promise<void> => {
  for (const schedule of deps.config.schedules.proposals) {
    await deps.queue.work<{ firedAt: string }>(scheduleQueue(proposalScheduleName(schedule)), async ({ firedAt }) => {
      await proposeOnSchedule(deps, schedule, firedAt);
    });
  }
};

import { describePolicy } from '../changes/approval-policy.ts';
import type { Change } from '../changes/change.ts';
import type { Config } from '../config/schema.ts';
import { NOW_WINDOW } from '../config/schema-windows.ts';
import type { Host, OsFamily } from '../inventory/host.ts';
import { membersOf } from '../inventory/resolve.ts';
import { playbookFor, rollbackFor } from '../playbooks/catalog.ts';
import type { PlaybookCatalog } from '../playbooks/load-playbooks.ts';
import type { Playbook } from '../playbooks/playbook.ts';
import { planSummary } from '../rollouts/plan-summary.ts';
import { RolloutPlan, waveHosts } from '../rollouts/rollout-plan.ts';
import { nextOpening, openingAt } from '../rollouts/windows.ts';
import { blackoutEnd } from '../rollouts/now-decision.ts';
import { blackoutAt } from '../rollouts/open-intervals.ts';
import { changeWhen } from '../rollouts/window-outlook.ts';
import type { DiscoveryRepos } from '../discovery/discovery-store.ts';
import type { Patch } from '../discovery/patch.ts';
import { boundTitle } from '../discovery/patch-bounds.ts';
import type { InventoryRepos } from '../inventory/inventory-store.ts';
import type { HostGroup, TicketDraft, TicketImpact, TicketRisk } from './ticketing.ts';

/** A draft names the hosts by group and describes the patches. */
export type DraftStore = InventoryRepos & Pick<DiscoveryRepos, 'patches'>;

export interface DraftDeps {
  store: DraftStore;
  config: Config;
  catalog: PlaybookCatalog;
}

/** Production asks more of approvals (DESIGN §3), so it is the riskier change; emergencies skip the CAB. */
const RISK: Record<string, TicketRisk> = { standard: 'low', normal: 'moderate', production: 'high', emergency: 'high' };

/**
 * The opening the change will run in: the one open now, else the next. `now` has no window: null,
 * except for a non-emergency in a blackout, which starts when the blackout ends.
 */
const plannedSpan = (config: Config, change: Change, now: Date): { start: Date; end: Date | null } | null => {
  if (change.window === NOW_WINDOW) {
    if (change.class === 'emergency' || !blackoutAt(config.blackouts, now)) return null;
    return { start: blackoutEnd(config.blackouts, now), end: null };
  }
  const name = change.window ?? Object.keys(config.windows)[0];
  const window = name ? config.windows[name] : undefined;
  return window ? (openingAt(window, now) ?? nextOpening(window, now)) : null;
};

/** Hosts by wave (ring) in the order they run; by target group when the plan cannot be read. */
const hostGroups = async (store: DraftStore, change: Change, hosts: readonly Host[]): Promise<HostGroup[]> => {
  const plan = RolloutPlan.safeParse(change.plan);
  if (plan.success) return plan.data.waves.map((wave) => ({ group: wave.name, hosts: waveHosts(wave) }));
  const groups = (await store.groups.list()).filter((g) => change.targets.includes(g.name));
  return groups.map((g) => ({ group: g.name, hosts: membersOf(g, hosts).map((h) => h.name) }));
};

/** The apply playbook per os of the change's hosts; an os without one says so in the plan. */
const applyPlaybooks = (catalog: PlaybookCatalog, oses: OsFamily[]): { playbooks: Playbook[]; problems: string[] } => {
  const playbooks: Playbook[] = [];
  const problems: string[] = [];
  for (const os of oses) {
    try {
      const playbook = playbookFor(catalog, 'apply', os);
      if (!playbooks.includes(playbook)) playbooks.push(playbook);
    } catch (error) {
      problems.push(`${os} hosts: ${(error as Error).message}`);
    }
  }
  return { playbooks, problems };
};

const stepLines = (playbook: Playbook, steps: readonly { name: string }[]) => steps.map((step) => `${playbook.name}: ${step.name}`);

const backoutLines = (catalog: PlaybookCatalog, playbooks: Playbook[]): string[] =>
  playbooks.flatMap((playbook) => {
    try {
      const rollback = rollbackFor(catalog, playbook);
      return stepLines(rollback, rollback.steps);
    } catch (error) {
      return [`${playbook.name}: ${(error as Error).message}`];
    }
  });

/**
 * One patch in the description. The title is the catalog's, which a host supplied: clipped to one
 * line of MAX_TITLE characters here too, whatever the store holds (Jira caps a description at 32,767).
 */
export const patchLineOf = (id: string, patch: Pick<Patch, 'title' | 'severity' | 'security'> | null): string =>
  patch ? `${id}: ${boundTitle(patch.title)} (${patch.severity}${patch.security ? ', security' : ''})` : id;

const descriptionOf = async (store: DraftStore, config: Config, change: Change): Promise<string> => {
  // One read for all of them: a digest's change can carry thousands of patches.
  const known = new Map((await store.patches.byIds(change.patches)).map((p) => [p.id, p]));
  const patchLines = change.patches.map((id) => patchLineOf(id, known.get(id) ?? null));
  const where = config.approval.source === 'chat' ? 'in chat' : config.approval.source === 'itsm' ? 'in this ticket' : 'in chat or in this ticket';
  const plan = RolloutPlan.safeParse(change.plan);
  return [
    `${change.title}.`,
    `Patches:\n${patchLines.join('\n')}`,
    `Requested by ${change.requester} in patchbot (${change.class} change, policy ${change.policyName}: ${describePolicy(change.policy)}; approved ${where}).`,
    ...(plan.success ? [planSummary(plan.data).join('\n')] : []),
  ].join('\n\n');
};

/** Everything the ticket says when it is opened, from the change as proposed (DESIGN §6). */
export const ticketDraftOf = async ({ store, config, catalog }: DraftDeps, change: Change, now: Date): Promise<TicketDraft> => {
  const hosts = await store.hosts.list();
  const groups = await hostGroups(store, change, hosts);
  const names = new Set(groups.flatMap((g) => g.hosts));
  const oses = [...new Set(hosts.filter((h) => names.has(h.name)).map((h) => h.os))];
  const { playbooks, problems } = applyPlaybooks(catalog, oses);
  const plan = RolloutPlan.safeParse(change.plan);
  const waveSmoke = plan.success ? plan.data.waves.flatMap((w) => w.smoke.map((s) => `${w.name}: smoke playbook ${s.playbook}`)) : [];
  const span = plannedSpan(config, change, now);
  const production = (await store.groups.list()).some((g) => change.targets.includes(g.name) && g.production);
  const impact: TicketImpact = production ? 'high' : names.size > 10 ? 'medium' : 'low';
  return {
    changeId: change.id,
    changeClass: change.class,
    title: change.title,
    description: await descriptionOf(store, config, change),
    hosts: groups,
    plannedStart: span?.start ?? null,
    plannedEnd: span?.end ?? null,
    when: changeWhen(config, change, now),
    implementationPlan: [...playbooks.flatMap((p) => stepLines(p, p.steps)), ...problems],
    backoutPlan: backoutLines(catalog, playbooks),
    testPlan: [...playbooks.flatMap((p) => stepLines(p, p.smoke)), ...waveSmoke, 'After each wave, a rescan of its hosts: the findings, not exit codes, decide which hosts are patched.'],
    risk: RISK[change.policyName] ?? (change.class === 'emergency' ? 'high' : 'moderate'),
    impact,
    // A pre-approved change has nothing left for the ITSM's approvers to decide.
    approvalInItsm: config.approval.source !== 'chat' && change.policy.required > 0,
  };
};

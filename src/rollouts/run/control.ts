import type { Change } from '../../changes/change.ts';
import { isEligible } from '../../changes/tally.ts';
import { transitionChange } from '../../changes/transition.ts';
import type { Config } from '../../config/schema.ts';
import type { Host } from '../../inventory/host.ts';
import type { Person } from '../../people/person.ts';
import type { PlaybookCatalog } from '../../playbooks/load-playbooks.ts';
import { checkRollbackFit } from '../playbook-fit.ts';
import { closestMatches } from '../../shared/closest-matches.ts';
import { NotFoundError, PatchbotError } from '../../shared/errors.ts';
import type { HostRun } from '../rollout-store.ts';
import type { Transactional } from '../../store/transactional.ts';
import type { RolloutPlan } from '../rollout-plan.ts';
import type { RolloutTx } from './rollout-deps.ts';
import { ranChange } from './ran-change.ts';
import { hostText } from '../../shared/host-text.ts';

export type ControlVerb = 'pause' | 'resume' | 'cancel' | 'rollback';

export interface ControlInput {
  changeId: string;
  verb: ControlVerb;
  person: Person;
  /** For rollback: only these hosts (empty: every host that applied the change). */
  hosts: string[];
  now: Date;
  /** For rollback: the playbooks and inventory, so a rollback they cannot start is refused now. */
  playbooks?: { catalog: PlaybookCatalog; hosts: readonly Host[] };
}

export interface ControlResult {
  change: Change;
  text: string;
  /** The rollback change created, when the verb was rollback. */
  rollback?: Change;
}

const FAILED: readonly HostRun['state'][] = ['failed', 'smoke-failed', 'still-missing'];
const STEERING_FALLBACK = ['role:oncall', 'role:admin'];
const OPEN: readonly Change['state'][] = ['draft', 'pending-approval', 'approved', 'scheduled', 'running', 'paused', 'halted'];

/**
 * Who may steer a change follows who may approve it (DESIGN §3): the policy's approvers, and
 * admins. Stopping is always allowed to the requester too; going on past a halt is not — that is
 * a new decision, and separation of duties applies.
 */
const authorize = (change: Change, person: Person, verb: ControlVerb) => {
  if (person.roles.includes('admin')) return;
  if (verb !== 'resume' && person.name === change.requester) return;
  // A pre-approved change (standard, a rollback) names no approvers; steering it still takes
  // someone on call, never any configured person (a viewer).
  const policy = change.policy.eligible.length ? change.policy : { ...change.policy, eligible: STEERING_FALLBACK };
  const eligible = isEligible(policy, person, change.requester);
  if (!eligible.ok)
    throw new PatchbotError(
      'not-allowed',
      `You may not ${verb} ${change.id}: ${eligible.reason}`,
      `Ask someone who may approve it (${change.policy.eligible.join(', ') || 'anyone but the requester'}) or an admin.`,
    );
};

const refuse = (change: Change, verb: ControlVerb, hint: string): never => {
  throw new PatchbotError('illegal-transition', `${change.id} is ${change.state}: it cannot be ${verb === 'cancel' ? 'cancelled' : `${verb}d`} now.`, hint);
};

/** A rollback is pre-approved (the halt was the decision), runs now, and touches only hosts that ran. */
const createRollback = async (tx: RolloutTx, parent: Change, hosts: string[], person: Person, config: Config, now: Date): Promise<Change> => {
  const size = Math.max(1, config.rollout.defaults.concurrency);
  const batches: string[][] = [];
  for (let i = 0; i < hosts.length; i += size) batches.push(hosts.slice(i, i + size));
  const plan: RolloutPlan = {
    version: 1,
    class: parent.class,
    targets: parent.targets,
    spreadBy: null,
    // Every host is restored even if some fail: halting half-way would leave the rest patched.
    waves: [{ name: 'rollback', pilot: false, source: { groups: parent.targets }, batches, concurrency: size, failureBudget: hosts.length, soakMs: 0, smoke: [] }],
    notes: [`Rolls back ${parent.id} on ${hosts.length} host${hosts.length === 1 ? '' : 's'}.`],
  };
  const change: Change = {
    id: await tx.changes.nextId(),
    class: parent.class,
    title: `Roll back ${parent.id} on ${hosts.length <= 3 ? hosts.join(', ') : `${hosts.length} hosts`}`,
    patches: parent.patches,
    targets: parent.targets,
    window: 'now',
    requester: person.name,
    policyName: 'rollback',
    policy: { eligible: [], required: 0, rejectWins: false, expiresInMs: null, notify: [], postReview: parent.postReview },
    state: 'draft',
    parentId: parent.id,
    plan,
    postReview: parent.postReview,
    createdAt: now,
    updatedAt: now,
    expiresAt: null,
  };
  await tx.changes.create(change);
  await tx.audit.append({ actor: person.name, action: 'change.rollback-requested', subject: parent.id, data: { rollback: change.id, hosts }, at: now });
  await transitionChange(tx, change, 'pending-approval', person.name, now);
  await transitionChange(tx, { id: change.id, state: 'pending-approval' }, 'approved', person.name, now, { reason: `rollback of ${parent.id}` });
  return { ...change, state: 'approved' };
};

const rollbackHosts = (runs: readonly HostRun[], asked: string[], change: Change): string[] => {
  const ran = runs.filter(ranChange).map((r) => r.host);
  for (const host of asked) if (!ran.includes(host)) throw new NotFoundError(`host that ran ${change.id}`, host, closestMatches(host, ran));
  const hosts = asked.length ? asked : ran;
  if (hosts.length === 0) throw new PatchbotError('nothing-to-roll-back', `No host has run ${change.id} yet: there is nothing to roll back.`, `\`cancel ${change.id}\` stops it.`);
  return hosts;
};

/** pause, resume, cancel (abort) and rollback, as chat, buttons and the CLI all ask for them. */
export const controlChange = async (store: Transactional<RolloutTx>, config: Config, input: ControlInput): Promise<ControlResult> =>
  store.transaction(async (tx) => {
    const change = await tx.changes.getForUpdate(input.changeId);
    if (!change)
      throw new NotFoundError(
        'change',
        input.changeId,
        closestMatches(
          input.changeId,
          (await tx.changes.list({ limit: 50 })).map((c) => c.id),
        ),
      );
    authorize(change, input.person, input.verb);
    const { person, now } = input;
    const progress = await tx.rollouts.progressForUpdate(change.id);
    const save = async (patch: Partial<NonNullable<typeof progress>>) => {
      if (progress) await tx.rollouts.saveProgress({ ...progress, ...patch, updatedAt: now });
    };
    // While a rollback of it runs, the original is the rollback's to finish: no second one, no resume.
    const child = (await tx.changes.list({ states: [...OPEN], limit: 100_000 })).find((c) => c.parentId === change.id);
    if (child && input.verb !== 'pause') refuse(change, input.verb, `${child.id} is rolling it back (${child.state}); wait for it to finish.`);
    if (input.verb === 'pause') {
      // A change the window paused can still be held: it then waits for a person, not the next opening.
      if (change.state === 'paused' && progress?.pausedBy === 'window') {
        await save({ pausedBy: person.name });
        await tx.audit.append({ actor: person.name, action: 'change.held', subject: change.id, data: {}, at: now });
        return { change, text: `${change.id} held by ${hostText(person.name)}: it will not resume at its next window. \`resume ${change.id}\` releases it.` };
      }
      if (change.state !== 'running')
        refuse(
          change,
          'pause',
          change.state === 'paused' ? `\`resume ${change.id}\` continues it.` : `Only a running change pauses; \`cancel ${change.id}\` stops one that has not started.`,
        );
      await transitionChange(tx, change, 'paused', person.name, now);
      await save({ pausedBy: person.name, waitingSince: now });
      return {
        change: { ...change, state: 'paused' },
        text: `${change.id} paused by ${hostText(person.name)}: hosts already running finish, no new host starts. \`resume ${change.id}\` continues it.`,
      };
    }
    if (input.verb === 'resume') {
      if (change.state !== 'paused' && change.state !== 'halted') refuse(change, 'resume', `Only a paused or halted change resumes.`);
      const accepted = change.state === 'halted' ? (await tx.rollouts.runs(change.id)).filter((r) => FAILED.includes(r.state)) : [];
      for (const run of accepted) await tx.rollouts.setRunState(change.id, run.host, run.state, 'accepted');
      await transitionChange(tx, change, 'running', person.name, now, { accepted: accepted.map((r) => r.host) });
      // Waiting counts from now: the time it spent paused or halted is not lateness for its window.
      await save({ pausedBy: null, haltReason: null, status: null, waitingSince: now, openingStart: null });
      const past = accepted.length
        ? ` going on past ${accepted.length} failed host${accepted.length === 1 ? '' : 's'} (${accepted
            .map((r) => r.host)
            .slice(0, 5)
            .join(', ')})`
        : '';
      return { change: { ...change, state: 'running' }, text: `${change.id} resumed by ${hostText(person.name)}${past}; it still only starts hosts inside its window.` };
    }
    if (input.verb === 'cancel') {
      if (!OPEN.includes(change.state)) refuse(change, 'cancel', 'It has already ended.');
      await transitionChange(tx, change, 'cancelled', person.name, now);
      await save({ phase: 'done' });
      return {
        change: { ...change, state: 'cancelled' },
        text: `${change.id} cancelled by ${hostText(person.name)}: no further host starts; hosts already patched stay as they are (\`rollback ${change.id}\` restores them).`,
      };
    }
    if (change.parentId) refuse(change, 'rollback', 'It is itself a rollback.');
    const hosts = rollbackHosts(await tx.rollouts.runs(change.id), input.hosts, change);
    let parent = change;
    if (change.state === 'running' || change.state === 'paused') {
      await transitionChange(tx, change, 'halted', person.name, now, { reason: `rollback asked by ${person.name}` });
      parent = { ...change, state: 'halted' };
    } else if (!['halted', 'completed', 'cancelled', 'failed'].includes(change.state)) {
      refuse(change, 'rollback', 'Only a change that ran can be rolled back.');
    }
    if (input.playbooks) {
      const { catalog, hosts: inventory } = input.playbooks;
      checkRollbackFit(
        catalog,
        inventory.filter((h) => hosts.includes(h.name)),
        change,
        await tx.rollouts.runs(change.id),
      );
    }
    const rollback = await createRollback(tx, parent, hosts, person, config, now);
    return {
      change: parent,
      rollback,
      text: `${change.id}: rolling back ${hosts.length} host${hosts.length === 1 ? '' : 's'} as ${rollback.id} (${hostText(person.name)}). The hosts are restored to their recorded versions, then rescanned.`,
    };
  });

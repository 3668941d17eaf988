import { PatchId } from '../discovery/patch.ts';
import { patchSuggestions } from '../discovery/patch-suggestions.ts';
import { closestMatches } from '../shared/closest-matches.ts';
import { NotFoundError, PatchbotError } from '../shared/errors.ts';
import type { DiscoveryRepos } from '../discovery/discovery-store.ts';
import type { InventoryRepos } from '../inventory/inventory-store.ts';
import type { PeopleRepos } from '../people/people-store.ts';
import type { Transactional } from '../store/transactional.ts';
import type { ApprovalConfig } from './approval-policy-config.ts';
import { choosePolicy, describePolicy, isPreApproved, policyAllowsNow } from './approval-policy.ts';
import { NOW_WINDOW } from '../config/schema-windows.ts';
import type { Change, ChangeClass } from './change.ts';
import type { ChangeRepos } from './change-store.ts';
import { transitionChange, type TransitionTx } from './transition.ts';

/** A proposal checks the requester, groups and patches, then creates the change and moves it. */
export type ProposeTx = TransitionTx & Pick<ChangeRepos, 'changes'> & PeopleRepos & Pick<InventoryRepos, 'groups'> & Pick<DiscoveryRepos, 'patches'>;

/** Requesters of recurring proposals: `schedule:<name>`. */
export const SCHEDULE_REQUESTER = 'schedule:';

export interface ProposeInput {
  patches: string[];
  targets: string[];
  window?: string | null;
  class: ChangeClass;
  requester: string;
  title?: string;
  plan?: unknown;
  now?: Date;
}

export interface ProposeContext {
  approval: ApprovalConfig;
  /**
   * Configured maintenance window names. A proposal that names none gets the first, so every
   * card and ticket names the real window; `now` is allowed as the chosen policy's `allowNow` says.
   */
  windows: string[];
}

const check = async (tx: ProposeTx, input: ProposeInput) => {
  if (input.patches.length === 0) throw new PatchbotError('invalid-proposal', 'A change needs at least one patch.');
  if (input.targets.length === 0) throw new PatchbotError('invalid-proposal', 'A change needs at least one target group.');
  // A recurring proposal is requested by its schedule (`schedule:<name>`), not by a person: every
  // eligible person may then approve it.
  const requester = input.requester.startsWith(SCHEDULE_REQUESTER) ? true : await tx.people.get(input.requester);
  if (!requester)
    throw new NotFoundError(
      'person',
      input.requester,
      closestMatches(
        input.requester,
        (await tx.people.list()).map((p) => p.name),
      ),
    );
  const groups = await tx.groups.list();
  for (const target of input.targets) {
    if (!groups.some((g) => g.name === target))
      throw new NotFoundError(
        'group',
        target,
        closestMatches(
          target,
          groups.map((g) => g.name),
        ),
        { label: 'groups', names: groups.map((g) => g.name) },
      );
  }
  // One read for all of them (a digest's *Propose rollout* can carry thousands), checked in order.
  const known = new Set((await tx.patches.byIds(input.patches)).map((p) => p.id));
  for (const id of input.patches) {
    if (!PatchId.safeParse(id).success) throw new PatchbotError('invalid-patch', `\`${id}\` is not a patch id (KB5034441, DSA-5600-1, USN-6600-1, RHSA-2024:1234, deb:pkg@version).`);
    if (!known.has(id)) {
      const { nearest } = await patchSuggestions(tx.patches, id);
      throw new NotFoundError('patch', id, nearest, { how: 'Only patches a scan has found can be proposed: `pending` lists them, most urgent first.' });
    }
  }
  return groups.filter((g) => input.targets.includes(g.name));
};

/** A policy that does not allow `now`: say which, and what to propose instead. */
const nowRefused = (policy: string, targets: readonly string[], windows: readonly string[]): PatchbotError =>
  new PatchbotError(
    'now-not-allowed',
    `An immediate start is not allowed for ${targets.join(', ')}: policy ${policy} sets allowNow: false, so the change must wait for a maintenance window.`,
    windows.length
      ? `Propose it \`at ${windows[0]}\`${
          windows.length > 1
            ? ` (or ${windows
                .slice(1)
                .map((w) => `\`${w}\``)
                .join(', ')})`
            : ''
        }; if it is an emergency, propose it as one.`
      : 'No maintenance window is configured: add one under `windows`, or propose it as an emergency if it is one.',
  );

/**
 * The window a proposal runs in: the one it names, else `now` for an emergency and the first
 * configured window for the rest. An unknown name, or `now` under a policy that does not allow
 * it, is refused before anything is written.
 */
export const proposedWindow = (context: ProposeContext, input: Pick<ProposeInput, 'window' | 'class' | 'targets'>, policyName: string): string | null => {
  const window = input.window ?? (input.class === 'emergency' ? NOW_WINDOW : (context.windows[0] ?? null));
  if (window && window !== NOW_WINDOW && !context.windows.includes(window))
    throw new NotFoundError('maintenance window', window, closestMatches(window, [...context.windows, NOW_WINDOW]), { label: 'windows', names: [...context.windows, NOW_WINDOW] });
  if (window === NOW_WINDOW && !policyAllowsNow(context.approval, input.class, policyName)) throw nowRefused(policyName, input.targets, context.windows);
  return window;
};

/**
 * Creates a change awaiting approval under the policy its class and targets call for. The policy
 * is snapshotted onto the change; a pre-approved (standard) change is approved in the same
 * transaction, with the same audit steps as a voted one. What may be pre-approved rests on the
 * weakest claim the hosts made about its patches, never on one host's word: a recurring proposal
 * selects them so (src/rollouts/run/schedule-selection.ts); a person proposing names them.
 */
export const proposeChange = async (store: Transactional<ProposeTx>, context: ProposeContext, input: ProposeInput): Promise<Change> => {
  const now = input.now ?? new Date();
  return store.transaction(async (tx) => {
    const targets = await check(tx, input);
    const policy = choosePolicy(context.approval, input.class, { production: targets.some((g) => g.production) });
    const window = proposedWindow(context, input, policy.name);
    const change: Change = {
      id: await tx.changes.nextId(),
      class: input.class,
      // A long list would be clipped mid-id in every title; the card's WHAT summarises it instead.
      title: input.title ?? `${input.patches.length > 3 ? `${input.patches.length} patches` : input.patches.join(', ')} to ${input.targets.join(', ')}`,
      patches: input.patches,
      targets: input.targets,
      window,
      requester: input.requester,
      policyName: policy.name,
      policy: policy.snapshot,
      state: 'draft',
      parentId: null,
      plan: input.plan ?? null,
      postReview: policy.snapshot.postReview,
      createdAt: now,
      updatedAt: now,
      expiresAt: policy.snapshot.expiresInMs === null ? null : new Date(now.getTime() + policy.snapshot.expiresInMs),
    };
    await tx.changes.create(change);
    await tx.audit.append({
      actor: input.requester,
      action: 'change.proposed',
      subject: change.id,
      data: { class: change.class, patches: change.patches, targets: change.targets, window: change.window, policy: policy.name, rule: describePolicy(policy.snapshot) },
      at: now,
    });
    await transitionChange(tx, change, 'pending-approval', input.requester, now);
    if (isPreApproved(policy.snapshot)) {
      await transitionChange(tx, { id: change.id, state: 'pending-approval' }, 'approved', 'patchbot', now, { reason: 'pre-approved standard change' });
      return { ...change, state: 'approved' };
    }
    return { ...change, state: 'pending-approval' };
  });
};

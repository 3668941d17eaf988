import { castVote } from '../../changes/cast-vote.ts';
import type { Change, ChangeState, VoteDecision } from '../../changes/change.ts';
import { type ProposeInput, proposeChange } from '../../changes/propose-change.ts';
import { planRollout } from '../../rollouts/plan.ts';
import { checkPlaybooksFit } from '../../rollouts/playbook-fit.ts';
import { planHosts } from '../../rollouts/rollout-plan.ts';
import type { PlaybookCatalog } from '../../playbooks/load-playbooks.ts';
import { answerCompliance } from '../answers/compliance.ts';
import type { Config } from '../../config/schema.ts';
import { closestMatches } from '../../shared/closest-matches.ts';
import { NotFoundError, VoteRefusedError } from '../../shared/errors.ts';
import { CARD_LIMITS, type Card, clip, listOf } from '../card.ts';
import type { ActionHandler, ActionRegistry, HandlerContext, HandlerRegistry, Reply } from '../reply.ts';
import { describePolicy } from '../../changes/approval-policy.ts';
import { decisionCard } from './approval-card.ts';
import { dryRunCommandsOf } from '../../rollouts/dry-run-commands.ts';
import { runCounts, stateText } from './rollout-cards.ts';
import { hostText } from '../../shared/host-text.ts';
import { dryRunSections } from './dry-run-card.ts';
import { cardWhen, loadApprovalCard } from './load-card.ts';
import { patchListCard } from './patch-list.ts';
import { notificationCard, notifiedPeople } from './notify.ts';
import type { ChatStore } from '../chat-store.ts';
import { personOf, personWhoActs } from '../acting-person.ts';
import { pagingOf } from '../answers/handlers.ts';
import { nextPage, pagedList, slicePage } from '../paging.ts';

export interface ChangeHandlerOptions {
  config: Config;
  /** Tells the orchestrator a change was approved, so its rollout starts without waiting for a sweep. */
  kick?: (changeId: string, reason: string) => Promise<void>;
  /** The playbooks: a proposal their parameters cannot serve is refused (absent: not checked here). */
  catalog?: PlaybookCatalog;
}

/** Changes a `show` suggestion or the `changes` list considers. */
const RECENT = 50;
/** Recently closed changes the `changes` list names on its first page. */
const CLOSED_SHOWN = 5;

/** Changes people act on; the others are history. */
const OPEN: readonly ChangeState[] = ['draft', 'pending-approval', 'approved', 'scheduled', 'running', 'paused', 'halted'];

/** The change by id, or NotFoundError suggesting the closest recent ids. */
const findChange = async (store: ChatStore, id: string): Promise<Change> => {
  const change = await store.changes.get(id);
  if (change) return change;
  const recent = (await store.changes.list({ limit: RECENT })).map((c) => c.id);
  throw new NotFoundError('change', id, closestMatches(id, recent));
};

/** Every patch of a change, with the catalogue's rows as data (`--json`). */
const patchListReply = async (store: ChatStore, change: Change, to: 'public' | 'private'): Promise<Reply> => {
  const catalog = new Map((await store.patches.byIds(change.patches)).map((p) => [p.id, p]));
  const card = patchListCard(change, catalog);
  return { [to]: card, data: { change: change.id, patches: change.patches.map((id) => catalog.get(id) ?? { id, seen: false }) } };
};

/**
 * One vote from a button or a text command. A refusal throws VoteRefusedError (a private card,
 * nothing public); a counted vote updates the card in place when there is one (a click) or posts
 * it in the change's thread (a command), and posts the decision when this vote made it.
 */
const vote = async (options: ChangeHandlerOptions, context: HandlerContext, changeId: string, decision: VoteDecision, comment: string | null): Promise<Reply> => {
  const { store, interaction, now } = context;
  const person = personOf(context, 'vote on changes');
  await findChange(store, changeId);
  if (options.config.approval.source === 'itsm') {
    // The CAB decides in the ITSM; a chat vote would be a second, unaudited ballot box.
    const tickets = await store.tickets.forChange(changeId);
    const where = tickets.length ? tickets.map((t) => `${t.system} ${t.key}${t.url ? ` (${t.url})` : ''}`).join(', ') : `the ${options.config.itsm.kind} ticket`;
    throw new VoteRefusedError(`Votes on ${changeId} are taken in the ITSM (approval.source: itsm): approve or reject it in ${where}.`);
  }
  const result = await castVote(store, { changeId, person, decision, comment, surface: interaction.surface, now });
  if (result.status === 'refused') throw new VoteRefusedError(result.reason);
  const change = await findChange(store, changeId);
  const decided = result.decided ? { outcome: result.decided, by: person, at: now } : null;
  const timing = { schedule: options.config, now };
  const card = await loadApprovalCard(store, change, timing, decided);
  const data = { change: change.id, state: change.state, approvals: result.tally.approvals, rejections: result.tally.rejections, decided: result.decided };
  const decisionPost = decided ? decisionCard(change, result.tally, decided, cardWhen(options.config, change, now)) : undefined;
  const confirmation: Card = {
    title: clip(`Your ${decision === 'approve' ? 'approval' : 'rejection'} of ${change.id} is recorded`, CARD_LIMITS.titleChars),
    text: clip(card.text ?? '', CARD_LIMITS.sectionChars),
  };
  return {
    // Every posted copy of the card (approvals channel on each surface) shows the new tally; a
    // click on a copy that is not a thread root (a `show` answer) is edited too.
    refresh: { threadKey: `change:${change.id}`, card },
    ...(interaction.message ? { update: { ref: interaction.message, card } } : { private: confirmation }),
    ...(decisionPost ? { broadcast: [{ channel: 'approvals' as const, card: decisionPost }] } : {}),
    ...(result.decided === 'approved' && options.kick ? { followUp: () => options.kick!(changeId, 'approved') } : {}),
    data,
  };
};

const voteButton =
  (options: ChangeHandlerOptions, decision: VoteDecision): ActionHandler =>
  async (action, context) =>
    vote(options, context, action.value, decision, null);

/**
 * Proposes as the person who asked: the approval card goes to the approvals channel of every
 * surface (a thread root for the change), the asker gets a private acknowledgement.
 */
export const proposeInChat = async (context: HandlerContext, options: ChangeHandlerOptions, input: Omit<ProposeInput, 'requester' | 'now' | 'plan'>): Promise<Reply> => {
  const { config } = options;
  const requester = personWhoActs(context, 'propose changes');
  // The wave plan is made now and stored with the change: the approvers vote on what will run.
  const [hosts, groups] = await Promise.all([context.store.hosts.list(), context.store.groups.list()]);
  const plan = planRollout({ targets: input.targets, hosts, groups, config: config.rollout, class: input.class });
  if (options.catalog) {
    const planned = new Set(planHosts(plan));
    checkPlaybooksFit(
      options.catalog,
      hosts.filter((h) => planned.has(h.name)),
      input.patches,
    );
  }
  const change = await proposeChange(context.store, { approval: config.approval, windows: Object.keys(config.windows) }, { ...input, plan, requester, now: context.now });
  const card = await loadApprovalCard(context.store, change, { schedule: config, now: context.now });
  const ack: Card = {
    title: clip(`${change.id} proposed`, CARD_LIMITS.titleChars),
    text: clip(
      `${hostText(change.title)}. ${change.state === 'pending-approval' ? `Voting is open in the approvals channel: ${describePolicy(change.policy)}.` : `State: ${change.state}.`}`,
      CARD_LIMITS.sectionChars,
    ),
    context: `\`show ${change.id}\` shows the card here`,
  };
  const kick = change.state === 'approved' && options.kick ? { followUp: () => options.kick!(change.id, 'approved') } : {};
  const notified = notifiedPeople(change, await context.store.people.list());
  const unreached = { channel: 'approvals' as const, threadKey: card.threadKey ?? `change:${change.id}` };
  const direct = notified.length ? { direct: notified.map((person) => ({ person, card: notificationCard(change), unreached })) } : {};
  return { private: ack, broadcast: [{ channel: 'approvals', card }], ...direct, ...kick, data: { change: change.id, state: change.state, policy: change.policyName, class: change.class } };
};

/** `propose`, votes by text and by button, `changes`, `show` and `compliance`. */
export const changeHandlers = (options: ChangeHandlerOptions): { handlers: HandlerRegistry; actions: ActionRegistry } => ({
  handlers: {
    propose: async (intent, context) =>
      proposeInChat(context, options, { patches: intent.patches, targets: intent.groups, window: intent.window, class: intent.emergency ? 'emergency' : 'normal' }),
    approve: async (intent, context) => vote(options, context, intent.change, 'approve', intent.comment),
    reject: async (intent, context) => vote(options, context, intent.change, 'reject', intent.comment),
    changes: async (intent, context) => {
      const recent = await context.store.changes.list({ limit: RECENT });
      const open = recent.filter((c) => OPEN.includes(c.state));
      // The recently closed are the first page's footnote. Each says its state as its card does
      // (stateText): failed hosts and a dry run, since "completed" alone would read as patched.
      const paging = pagingOf(intent, context);
      const closed = paging.page === 1 ? recent.filter((c) => !OPEN.includes(c.state)) : [];
      const states = new Map<string, string>();
      for (const c of closed.slice(0, CLOSED_SHOWN)) {
        const runs = await context.store.rollouts.runs(c.id);
        states.set(c.id, stateText(c, runCounts(runs), runs));
      }
      const line = (c: Change) => `\`${c.id}\` ${c.class === 'emergency' ? '🚨 ' : ''}${states.get(c.id) ?? c.state} — ${hostText(clip(c.title, 120))} (by ${hostText(c.requester)})`;
      // The last RECENT changes are read whole (a bounded read): a page is a slice of them.
      const list = pagedList(slicePage(open, paging.page).map(line), open.length, paging, 'changes', 'Open');
      return {
        public: {
          title: 'Changes',
          text: open.length
            ? `${open.length} open of the last ${recent.length}.`
            : recent.length
              ? `No open changes; ${recent.length === 1 ? 'the last one is' : `the last ${recent.length} are`} closed.`
              : 'No changes yet; `propose <patches> to <groups>` starts one.',
          lists: [...(open.length ? [list] : []), ...(closed.length ? [listOf(closed.map(line), CLOSED_SHOWN, '`show <change>` for one', 'Recently closed')] : [])],
          ...nextPage(paging, 'changes', [open.length]),
        },
        data: { changes: recent.map((c) => ({ id: c.id, state: c.state, class: c.class, title: c.title, requester: c.requester })) },
      };
    },
    show: async (intent, { store, now }) => {
      const change = await findChange(store, intent.change);
      if (intent.patches) return patchListReply(store, change, 'public');
      const card = await loadApprovalCard(store, change, { schedule: options.config, now });
      // A dry run's exact commands, one fold per host (the thread has them per wave too).
      const dryRun = dryRunCommandsOf(await store.rollouts.runs(change.id));
      const shown = dryRun.length ? { ...card, sections: [...(card.sections ?? []), ...dryRunSections(change, dryRun)] } : card;
      return { public: shown, data: { change: change.id, state: change.state, ...(dryRun.length ? { dryRun } : {}) } };
    },
    compliance: async (intent, context) => {
      const { card, data } = await answerCompliance(context.store, options.config.compliance.sla, intent, context.now, pagingOf(intent, context));
      return { public: card, data };
    },
  },
  actions: {
    'change.approve': voteButton(options, 'approve'),
    'change.reject': voteButton(options, 'reject'),
    // For the one who asked: a second click elsewhere must not fill the thread with copies.
    'change.patches': async (action, { store }) => patchListReply(store, await findChange(store, action.value), 'private'),
  },
});

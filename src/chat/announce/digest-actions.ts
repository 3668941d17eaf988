import { choosePolicy } from '../../changes/approval-policy.ts';
import { proposedWindow } from '../../changes/propose-change.ts';
import { PatchbotError } from '../../shared/errors.ts';
import { CARD_LIMITS, type Card, clip } from '../card.ts';
import { clock } from '../changes/approval-card.ts';
import { personWhoActs } from '../acting-person.ts';
import { type ChangeHandlerOptions, proposeInChat } from '../changes/handlers.ts';
import type { ActionRegistry, HandlerContext, Reply } from '../reply.ts';
import { buildDigest } from './build-digest.ts';
import { digestProposal, SCAN } from './digest-proposal.ts';
import { hostText } from '../../shared/host-text.ts';

/** One decision per digest, whoever clicks first and on whichever surface or replica. */
const claimDigest = async (context: HandlerContext, value: string): Promise<void> => {
  if (!(await context.store.idempotency.claim(`digest:${value}`, context.now))) {
    throw new PatchbotError('digest-handled', 'This digest was already proposed or deferred by someone else.', '`changes` lists open changes; `pending` lists what is still missing.');
  }
};

/** The digest as posted, its buttons gone and a line saying what became of it, on every surface. */
const closeDigest = async (context: HandlerContext, value: string, line: string): Promise<Partial<Reply>> => {
  if (!value.startsWith(SCAN)) return {};
  const digest = await buildDigest(context.store, value.slice(SCAN.length));
  if (!digest?.threadKey) return {};
  const { actions: _gone, ...rest } = digest;
  const card: Card = { ...rest, context: clip(`${line} · ${digest.context ?? ''}`, CARD_LIMITS.sectionChars) };
  return { refresh: { threadKey: digest.threadKey, card }, ...(context.interaction.message ? { update: { ref: context.interaction.message, card } } : {}) };
};

/**
 * The digest's buttons. *Propose rollout* proposes the patches still missing to the groups that
 * cover the affected hosts (pilot first), in the window the person picked (`action.choice`: a
 * configured window or `now`; none picked: the first configured window); *Defer* records that
 * someone looked and chose to wait.
 */
export const digestActions = (options: ChangeHandlerOptions): ActionRegistry => ({
  'digest.propose': async (action, context) => {
    personWhoActs(context, 'propose changes');
    const cover = await digestProposal(context.store, action.value);
    if (cover.patches.length === 0)
      throw new PatchbotError('nothing-to-propose', 'Every patch in this digest is installed now: there is nothing left to propose.', '`pending` shows what is still missing.');
    if (cover.groups.length === 0)
      throw new PatchbotError(
        'no-group',
        `No group contains the affected hosts (${cover.uncovered.slice(0, 5).join(', ')}).`,
        'Add them to a group in the inventory, then `propose <patches> to <group>`.',
      );
    const { patches } = cover;
    const targets = cover.groups.map((g) => g.name);
    // The picked window is checked before the digest is claimed: a refused `now` leaves it open for another pick.
    const { config } = options;
    const policy = choosePolicy(config.approval, 'normal', { production: cover.groups.some((g) => g.production) });
    const window = proposedWindow({ approval: config.approval, windows: Object.keys(config.windows) }, { window: action.choice ?? null, class: 'normal', targets }, policy.name);
    await claimDigest(context, action.value);
    const what = patches.length <= 3 ? patches.join(', ') : `${patches.length} patches${action.value.startsWith(SCAN) ? ` from ${action.value.slice(SCAN.length)}` : ''}`;
    const reply = await proposeInChat(context, options, { patches, targets, window, class: 'normal', title: `${what} to ${targets.join(', ')}` });
    const closed = await closeDigest(context, action.value, `Proposed as ${String(reply.data?.change)} by ${hostText(context.interaction.actor.displayName)} at ${clock(context.now)}`);
    const uncovered = cover.uncovered.length ? ` ${cover.uncovered.length} affected host(s) are in no group and were left out: ${cover.uncovered.slice(0, 5).join(', ')}.` : '';
    return { ...reply, ...closed, ...(uncovered && reply.private ? { private: { ...reply.private, text: clip(`${reply.private.text ?? ''}${uncovered}`, CARD_LIMITS.sectionChars) } } : {}) };
  },
  'digest.defer': async (action, context) => {
    const person = personWhoActs(context, 'defer patches');
    await claimDigest(context, action.value);
    await context.store.audit.append({ actor: person, action: 'digest.deferred', subject: action.value, data: { surface: context.interaction.surface }, at: context.now });
    const closed = await closeDigest(context, action.value, `Deferred by ${hostText(person)} at ${clock(context.now)}`);
    return {
      ...closed,
      private: { title: 'Deferred', text: 'Nothing is proposed. The patches stay in `pending` and the next digest will not repeat them; `propose <patches> to <groups>` when ready.' },
    };
  },
});

import type { Config } from '../../config/schema.ts';
import { type ControlVerb, controlChange } from '../../rollouts/run/control.ts';
import type { PlaybookCatalog } from '../../playbooks/load-playbooks.ts';
import { CARD_LIMITS, clip } from '../card.ts';
import type { ActionRegistry, HandlerContext, HandlerRegistry, Reply } from '../reply.ts';
import { personOf } from '../acting-person.ts';
import { loadApprovalCard } from './load-card.ts';
import { clock } from './approval-card.ts';
import { haltCard, statusCard } from './rollout-cards.ts';
import { hostText } from '../../shared/host-text.ts';

export interface ControlOptions {
  config: Config;
  /** Asks the orchestrator to act now rather than at its next sweep (absent: the sweep will). */
  kick?: (changeId: string, reason: string) => Promise<void>;
  /** The playbooks: a rollback they cannot start is refused when it is asked for. */
  catalog?: PlaybookCatalog;
}

const PAST: Record<ControlVerb, string> = { pause: 'paused', resume: 'resumed', cancel: 'cancelled', rollback: 'rolling back' };

/** One control from a button or a command: the thread hears it, every card copy shows it. */
const control = async (options: ControlOptions, context: HandlerContext, verb: ControlVerb, changeId: string, hosts: string[]): Promise<Reply> => {
  personOf(context, `${verb} changes`);
  const person = context.interaction.actor.person!;
  // Read before the control clears it: the halt being answered, for the card's final form.
  const halted = await context.store.rollouts.progress(changeId).catch(() => null);
  const playbooks = verb === 'rollback' && options.catalog ? { playbooks: { catalog: options.catalog, hosts: await context.store.hosts.list() } } : {};
  const result = await controlChange(context.store, options.config, { changeId, verb, person, hosts, now: context.now, ...playbooks });
  const ids = [result.change.id, ...(result.rollback ? [result.rollback.id] : [])];
  const kick = options.kick;
  const timing = { schedule: options.config, now: context.now };
  const card = await loadApprovalCard(context.store, result.change, timing);
  const broadcast = [{ channel: 'approvals' as const, card: statusCard(result.change, `${PAST[verb]} by ${hostText(person.name)}`, result.text) }];
  if (result.rollback) broadcast.push({ channel: 'approvals', card: await loadApprovalCard(context.store, result.rollback, timing) });
  // A click on a halt card answers it: its buttons go, so nobody decides the same halt twice.
  const clicked = context.interaction.kind === 'action' ? context.interaction.message : undefined;
  const { actions: _answered, ...haltText } = haltCard(result.change, halted?.haltReason ?? '', []);
  const answered =
    clicked && halted?.haltReason
      ? { update: { ref: clicked, card: { ...haltText, context: clip(`${PAST[verb]} by ${hostText(person.name)} at ${clock(context.now)}`, CARD_LIMITS.sectionChars) } } }
      : {};
  return {
    ...answered,
    refresh: { threadKey: `change:${result.change.id}`, card },
    broadcast,
    private: { title: clip(`${result.change.id} ${PAST[verb]}`, CARD_LIMITS.titleChars), text: clip(result.text, CARD_LIMITS.sectionChars) },
    data: { change: result.change.id, state: result.change.state, ...(result.rollback ? { rollback: result.rollback.id } : {}) },
    ...(kick
      ? {
          followUp: async () => {
            for (const id of ids) await kick(id, `${verb}:${context.interaction.id}`);
          },
        }
      : {}),
  };
};

/** `pause|resume|cancel|rollback <change> [hosts]` and the halt card's Resume / Roll back / Abort. */
export const controlHandlers = (options: ControlOptions): { handlers: HandlerRegistry; actions: ActionRegistry } => ({
  handlers: {
    pause: (intent, context) => control(options, context, 'pause', intent.change, []),
    resume: (intent, context) => control(options, context, 'resume', intent.change, []),
    cancel: (intent, context) => control(options, context, 'cancel', intent.change, []),
    rollback: (intent, context) => control(options, context, 'rollback', intent.change, intent.hosts),
  },
  actions: {
    'change.resume': (action, context) => control(options, context, 'resume', action.value, []),
    'change.rollback': (action, context) => control(options, context, 'rollback', action.value, []),
    'change.abort': (action, context) => control(options, context, 'cancel', action.value, []),
  },
});

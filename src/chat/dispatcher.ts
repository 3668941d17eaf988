import { randomBytes } from 'node:crypto';
import type { Logger } from '../shared/logger.ts';
import { errorReply, notAvailableReply, usageReply } from './error-reply.ts';
import type { Intent, IntentKind, IntentOf } from './intent.ts';
import type { Interaction } from './interaction.ts';
import type { ActionRegistry, HandlerContext, HandlerRegistry, Reply } from './reply.ts';
import { understand } from './understand.ts';
import type { ChatStore } from './chat-store.ts';
import { resolveFiller } from './resolve-filler.ts';

export interface DispatchDeps {
  store: ChatStore;
  /** Use cases by intent kind: `chatHandlers(…)` for the real thing. */
  handlers: HandlerRegistry;
  /** Button clicks by action id. */
  actions?: ActionRegistry;
  log?: Logger;
  now?: () => Date;
  /** Short correlation ids for replies and log lines; injectable for tests. */
  newRef?: () => string;
}

const shortRef = () => randomBytes(4).toString('hex');

/** Looks the handler up with its own kind, so each handler gets its own intent type. */
const handle = <K extends IntentKind>(handlers: HandlerRegistry, intent: IntentOf<K>, context: HandlerContext): Promise<Reply> | null => {
  const handler = handlers[intent.kind];
  return handler ? handler(intent, context) : null;
};

const run = async (interaction: Interaction, deps: DispatchDeps, context: HandlerContext, ref: string): Promise<Reply> => {
  if (interaction.kind === 'action') {
    const action = interaction.action;
    const handler = action ? deps.actions?.[action.id] : undefined;
    if (!action || !handler) return notAvailableReply(action ? `button ${action.id}` : 'an action without a button', ref);
    return handler(action, context);
  }
  const understood = understand(interaction.text ?? '', interaction.kind);
  if (!understood.ok) return usageReply(understood, ref);
  let intent: Intent = understood.intent;
  let reply: Reply;
  try {
    intent = await resolveFiller(intent, deps.store);
    const pending = handle(deps.handlers, intent, context);
    if (!pending) return { intent, ...notAvailableReply(intent.kind, ref) };
    reply = { intent, ...(await pending) };
  } catch (error) {
    // Keep what was understood: `--json` and the console show it next to the error.
    return { intent, ...errorReply(error, ref, context.log) };
  }
  if (understood.understood) return reply;
  // Help was the fallback, not the request: surfaces show it, the CLI exits 1.
  return { ...reply, error: { code: 'not-understood', message: intent.kind === 'help' && intent.note ? intent.note : 'not understood', ref } };
};

/**
 * One interaction from any surface → one Reply. Retried deliveries are dropped (the interaction
 * id is claimed in the store, so this holds across replicas); every failure becomes a private
 * card with a correlation id, never an exception at the surface.
 */
export const dispatch = async (interaction: Interaction, deps: DispatchDeps): Promise<Reply> => {
  const now = deps.now?.() ?? new Date();
  const ref = (deps.newRef ?? shortRef)();
  const log = deps.log?.child({ interaction: interaction.id, surface: interaction.surface, kind: interaction.kind, ref });
  try {
    if (!(await deps.store.idempotency.claim(`chat:${interaction.surface}:${interaction.id}`, now))) {
      log?.debug('duplicate interaction dropped');
      return { duplicate: true };
    }
    return await run(interaction, deps, { interaction, store: deps.store, now, log }, ref);
  } catch (error) {
    return errorReply(error, ref, log);
  }
};

import { createChatHub } from '../../chat/chat-hub.ts';
import { dispatch } from '../../chat/dispatcher.ts';
import { chatHandlers } from '../../chat/handlers.ts';
import { cliInteraction } from '../../chat/interaction.ts';
import { understand } from '../../chat/understand.ts';
import { isDemoMode } from '../../config/demo-mode.ts';
import { renderText } from '../../chat/render-text.ts';
import { kickRollout } from '../../rollouts/run/rollout-jobs.ts';
import { syncConfigToStore } from '../../service/sync-config.ts';
import { closestMatches } from '../../shared/closest-matches.ts';
import { NotFoundError, PatchbotError } from '../../shared/errors.ts';
import { type CommandContext, EXIT } from '../command.ts';
import { operatorName } from '../operator.ts';

/**
 * Runs chat text as a configured person (`--as`) and prints the reply: `ask`, `changes` and
 * `change …` are the CLI as one more surface — same interaction, dispatcher and use cases as
 * chat, so runbooks and scripts cannot drift from what chat does.
 */
export const runChatText = async (context: CommandContext, text: string): Promise<number> => {
  const { values, io, deps } = context;
  const config = await context.config();
  const log = await context.log();
  const reply = await context.withStore(async ({ store, ...handle }) => {
    // Read-only: never migrate (a shared PostgreSQL is the service's to migrate), but say why
    // an unprepared store cannot answer instead of failing on a missing table.
    const schema = await handle.migrationStatus();
    if (schema.current < schema.latest) {
      throw new PatchbotError(
        'store-not-ready',
        `The store is at schema version ${schema.current} of ${schema.latest}: there is nothing to answer from yet.`,
        'Run `patchbot scan` (or `patchbot start`) once: it prepares the store and records what it finds.',
      );
    }
    const name = values.as as string | undefined;
    // Config is the source of truth for people and inventory. The service syncs at start; a CLI
    // acting on its own syncs first, so `--as` knows a person added a minute ago. Questions stay
    // read-only.
    if (name && !deps.sharedRuntime) await syncConfigToStore(store, config);
    const person = name ? await store.people.get(name) : null;
    if (name && !person)
      throw new NotFoundError(
        'person',
        name,
        closestMatches(
          name,
          (await store.people.list()).map((p) => p.name),
        ),
      );
    const intent = person ? understand(text, 'question') : null;
    const kind = intent?.ok ? intent.intent.kind : null;
    // `--as` is the operator speaking for someone (#13): outside demo mode a vote needs the config's say-so.
    if (person && (kind === 'approve' || kind === 'reject') && !isDemoMode(config) && !config.chat.cli.allowVotesAs) {
      await store.audit.append({ actor: operatorName(), action: 'cli.on-behalf.refused', subject: person.name, data: { text, intent: kind } });
      throw new PatchbotError(
        'vote-as-refused',
        `Refused: a vote cast with --as ${person.name} would let whoever runs this CLI vote as ${person.name}.`,
        `${person.name} votes in chat or the console as themselves; to let operators vote for people, set chat.cli.allowVotesAs: true (every such vote is audited as the operator's).`,
      );
    }
    const interaction = cliInteraction(text, person);
    const runtime = deps.sharedRuntime;
    // Inside the service an approval starts the rollout at once; elsewhere the service's sweep finds it.
    const handlers = chatHandlers({ config, ...(runtime ? { kick: (id: string, why: string) => kickRollout(runtime, id, why), catalog: runtime.catalog } : {}) });
    const answer = await dispatch(interaction, { store, ...handlers, log });
    // What the team must see (an approval card, a decision) still reaches the chat surfaces.
    if (answer.broadcast || answer.refresh) {
      const hub = runtime?.hub ?? createChatHub({ store, bindings: (await deps.platform.chatSurfaces({ config, store, log })).map((s) => s.binding), ...handlers, log });
      await hub.deliver(interaction, answer);
    } else {
      await answer.followUp?.();
    }
    // Every --as action is on the record as the operator's, on that person's behalf.
    if (person)
      await store.audit.append({ actor: operatorName(), action: 'cli.on-behalf', subject: person.name, data: { text, intent: kind, interaction: interaction.id, ok: !answer.error } });
    return answer;
  });
  if (values.json) {
    const body = reply.error
      ? { ok: false, intent: reply.intent ?? null, error: reply.error, data: reply.data ?? null }
      : { ok: true, intent: reply.intent ?? null, data: reply.data ?? null };
    io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  } else {
    for (const card of [reply.public, reply.update?.card, reply.private, ...(reply.broadcast ?? []).map((post) => post.card)]) {
      if (card) (reply.error ? io.stderr : io.stdout).write(renderText(card));
    }
  }
  return reply.error ? EXIT.failure : EXIT.ok;
};

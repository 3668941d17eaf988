import { createChatHub } from '../../chat/chat-hub.ts';
import { dispatch } from '../../chat/dispatcher.ts';
import { chatHandlers } from '../../chat/handlers.ts';
import { cliInteraction } from '../../chat/interaction.ts';
import { renderText } from '../../chat/render-text.ts';
import { closestMatches } from '../../shared/closest-matches.ts';
import { NotFoundError, PatchbotError } from '../../shared/errors.ts';
import { type Command, EXIT } from '../command.ts';

export const ask: Command = {
  path: ['ask'],
  summary: 'answer a question or run a chat command, exactly as chat does',
  usage: [
    'Usage: patchbot ask "<question or command>" [--json] [--as PERSON]',
    'Examples: patchbot ask "which servers are missing KB5034441?"   patchbot ask pending prod-web',
    'Prints the answer as text (--json: the structured form). Exit 0 when answered, 1 when not',
    '(unknown patch, host or group; not understood; refused).',
  ].join('\n'),
  options: {
    json: { type: 'boolean', description: 'print the answer as JSON' },
    as: { type: 'string', description: 'act as this configured person (for commands that need one)' },
  },
  positionals: [1, Number.POSITIVE_INFINITY],
  usesStore: true,
  async run({ values, positionals, io, deps, config: loadConfig, log: loadLog, withStore }) {
    const config = await loadConfig();
    const log = await loadLog();
    const reply = await withStore(async ({ store, migrationStatus }) => {
      // Read-only: never migrate (a shared PostgreSQL is the service's to migrate), but say why
      // an unprepared store cannot answer instead of failing on a missing table.
      const schema = await migrationStatus();
      if (schema.current < schema.latest) {
        throw new PatchbotError('store-not-ready', `The store is at schema version ${schema.current} of ${schema.latest}: there is nothing to answer from yet.`, 'Run `patchbot scan` (or `patchbot start`) once: it prepares the store and records what it finds.');
      }
      const name = values.as as string | undefined;
      const person = name ? await store.people.get(name) : null;
      if (name && !person) throw new NotFoundError('person', name, closestMatches(name, (await store.people.list()).map((p) => p.name)));
      // The CLI is one more surface: same interaction, same dispatcher, same handlers as chat.
      const interaction = cliInteraction(positionals.join(' '), person);
      const handlers = chatHandlers({ config });
      const answer = await dispatch(interaction, { store, ...handlers, log });
      // What the team must see (an approval card, a decision) still reaches the chat surfaces.
      if (answer.broadcast || answer.refresh) {
        const bindings = deps.sharedRuntime ? null : (await deps.platform.chatSurfaces({ config, store, log })).map((s) => s.binding);
        const hub = deps.sharedRuntime?.hub ?? createChatHub({ store, bindings: bindings ?? [], ...handlers, log });
        await hub.deliver(interaction, answer);
      }
      return answer;
    });
    if (values.json) {
      const body = reply.error ? { ok: false, intent: reply.intent ?? null, error: reply.error, data: reply.data ?? null } : { ok: true, intent: reply.intent ?? null, data: reply.data ?? null };
      io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    } else {
      for (const card of [reply.public, reply.update?.card, reply.private, ...(reply.broadcast ?? []).map((post) => post.card)]) {
        if (card) (reply.error ? io.stderr : io.stdout).write(renderText(card));
      }
    }
    return reply.error ? EXIT.failure : EXIT.ok;
  },
};

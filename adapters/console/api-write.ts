import { randomUUID } from 'node:crypto';
import type { ChatHub } from '../../src/chat/chat-hub.ts';
import type { Interaction } from '../../src/chat/interaction.ts';
import type { Reply } from '../../src/chat/reply.ts';
import type { Person } from '../../src/people/person.ts';
import { type RequestContext, sendJson } from '../../src/server/router.ts';
import { actingPerson, clientId, ConsoleApiError, readJsonObject, resolveChannel, stringField } from './api-request.ts';
import type { Identity } from './auth.ts';
import type { ConsoleSurface } from './console-surface.ts';
import { visibleTo } from './views.ts';
import type { ConsoleStore } from './console-history.ts';

/** A chat line, not a document: long enough for any command, short enough to render. */
const MAX_TEXT = 4000;
const COMMAND = /^\/patch(?:\s+|$)/;

/**
 * Scoped by person: a retried POST from the same person repeats its id and is dropped by the
 * dispatcher, while nobody can use up ids another person's page will send.
 */
const interactionId = (person: Person, given: string | undefined) => (given ? `${person.name}:${given}` : randomUUID());

const actorOf = (person: Person) => ({ person, surfaceUserId: person.name, displayName: person.name });

/** What the caller learns: the reply itself is delivered to the channel (and the event stream). */
const outcome = (id: string, reply: Reply, extra: Record<string, unknown> = {}) => ({
  ok: !reply.error,
  interaction: id,
  ...(reply.duplicate ? { duplicate: true } : {}),
  ...extra,
  ...(reply.intent ? { intent: reply.intent.kind } : {}),
  ...(reply.error ? { error: reply.error } : {}),
  ...(reply.data ? { data: reply.data } : {}),
});

export const writeHandlers = ({ store, surface, hub }: { store: ConsoleStore; surface: ConsoleSurface; hub: ChatHub }) => ({
  /** POST /messages {id?, channel, as, text}: the typed line, then patchbot's answer. */
  async post(ctx: RequestContext, identity: Identity) {
    const body = await readJsonObject(ctx);
    const person = await actingPerson(store, identity, stringField(body, 'as', { optional: true }));
    const channel = resolveChannel(person, stringField(body, 'channel'));
    const text = stringField(body, 'text', { max: MAX_TEXT })!.trim();
    const id = interactionId(person, clientId(body));
    const now = new Date();
    // The typed line is recorded once per interaction: a retry must not show it twice.
    const fresh = await store.idempotency.claim(`console-say:${id}`, now);
    const said = fresh ? await surface.say(channel.name, person.name, text, now) : null;
    const command = COMMAND.test(text);
    const interaction: Interaction = {
      id,
      surface: 'console',
      channel: channel.name,
      actor: actorOf(person),
      kind: command ? 'command' : 'question',
      text: command ? text.replace(COMMAND, '') || 'help' : text,
      receivedAt: now,
    };
    const reply = await hub.handle(interaction);
    sendJson(ctx.res, 200, outcome(id, reply, said ? { message: said.id } : {}));
  },

  /** POST /actions {id?, messageId, actionId, choice?, as}: a button click; the value comes from the stored card, a choice must be one it offers. */
  async click(ctx: RequestContext, identity: Identity) {
    const body = await readJsonObject(ctx);
    const person = await actingPerson(store, identity, stringField(body, 'as', { optional: true }));
    const messageId = stringField(body, 'messageId', { max: 30 })!;
    const actionId = stringField(body, 'actionId', { max: 255 })!;
    const id = interactionId(person, clientId(body));
    const message = await store.consoleMessages.get(messageId);
    // Someone else's private message is as absent as a message that never existed.
    if (!message || !visibleTo(message, person.name)) throw new ConsoleApiError(404, `no console message ${messageId}`);
    const action = message.card?.actions?.find((a) => a.id === actionId);
    if (!action) {
      const buttons = message.card?.actions?.map((a) => a.id) ?? [];
      const now = buttons.length ? `its buttons are ${buttons.join(', ')}` : 'it has no buttons (a decided card loses them)';
      throw new ConsoleApiError(404, `message ${messageId} has no button "${actionId}"; ${now}`);
    }
    const choice = stringField(body, 'choice', { optional: true, max: 100 });
    if (choice !== undefined && !action.choices?.some((c) => c.value === choice)) {
      const offered = action.choices?.length ? `it offers ${action.choices.map((c) => c.value).join(', ')}` : 'it offers no choices';
      throw new ConsoleApiError(400, `button "${actionId}" of message ${messageId} has no choice "${choice}"; ${offered}`);
    }
    const interaction: Interaction = {
      id,
      surface: 'console',
      channel: message.channel,
      actor: actorOf(person),
      kind: 'action',
      // Never the client's value: it would let a page vote on a change the card is not about.
      action: { id: action.id, value: action.value, ...(choice !== undefined ? { choice } : {}) },
      message: { surface: 'console', channel: message.channel, id: message.id },
      receivedAt: new Date(),
    };
    const reply = await hub.handle(interaction);
    sendJson(ctx.res, 200, outcome(id, reply));
  },
});

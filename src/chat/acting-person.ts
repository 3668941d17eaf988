import { isViewOnly } from '../people/person.ts';
import { PatchbotError } from '../shared/errors.ts';
import type { HandlerContext } from './reply.ts';
import { hostText } from '../shared/host-text.ts';

/** Only configured people act: authorization is by person, never by surface account. */
export const personOf = (context: HandlerContext, what: string): string => {
  const person = context.interaction.actor.person;
  if (!person) {
    throw new PatchbotError(
      'not-a-person',
      `Only configured people can ${what}; your ${context.interaction.surface} account (${hostText(context.interaction.actor.displayName)}) is not mapped to one.`,
      'Ask an admin to add your account to `people` in the patchbot config.',
    );
  }
  return person.name;
};

/**
 * A configured person who may start work no approval policy covers: proposing, scanning,
 * deferring a digest. A viewer asks questions and reads; votes and steering are decided by the
 * change's policy, which names who may (and says so when a viewer tries).
 */
export const personWhoActs = (context: HandlerContext, what: string): string => {
  const name = personOf(context, what);
  if (isViewOnly(context.interaction.actor.person!)) {
    throw new PatchbotError(
      'not-allowed',
      `${name} is a viewer: viewers ask questions and read answers; they cannot ${what}.`,
      'If you should, ask an admin to give you a role other than `viewer` in `people`.',
    );
  }
  return name;
};

/** May this asker act at all (not a stranger, not a viewer)? What `help` lists follows it. */
export const mayAct = (context: HandlerContext): boolean => {
  const person = context.interaction.actor.person;
  return person !== null && !isViewOnly(person);
};

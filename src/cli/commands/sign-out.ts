import { closestMatches } from '../../shared/closest-matches.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { type Command, EXIT } from '../command.ts';
import { operatorName } from '../operator.ts';

const plural = (n: number) => `${n} console sign-in session${n === 1 ? '' : 's'}`;

/**
 * Ends every console sign-in of one person at once, for the day a laptop is lost or someone
 * leaves: each of their browsers must sign in again (the cookie names a session the store now
 * calls ended). Sessions of a person already removed from people[] can still be ended.
 */
export const signOut: Command = {
  path: ['sign-out'],
  summary: 'end every console sign-in session of a person (a lost laptop, someone who left)',
  usage: 'Usage: patchbot sign-out PERSON\nEvery browser signed in to the console as PERSON must sign in again. Access tokens are separate: `patchbot token list`, `patchbot token revoke`.',
  options: {},
  positionals: [1, 1],
  usesStore: true,
  async run({ positionals, io, settings, withStore }) {
    const person = positionals[0]!;
    // People only: the inventory has nothing to say about who is signed in.
    const people = (await settings()).people.map((p) => p.name);
    const ended = await withStore(
      async ({ store }) => {
        const count = await store.signInSessions.endAllOf(person, new Date());
        if (count) await store.audit.append({ actor: operatorName(), action: 'sign-in.ended-everywhere', subject: person, data: { sessions: count } });
        return count;
      },
      { migrate: true },
    );
    if (ended === 0 && !people.includes(person)) throw new NotFoundError('person', person, closestMatches(person, people), { label: 'people', names: people });
    io.stdout.write(ended ? `Ended ${plural(ended)} of ${person}: each of those browsers must sign in again.\n` : `${person} has no live console sign-in session; nothing to end.\n`);
    return EXIT.ok;
  },
};

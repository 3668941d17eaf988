import type { InventoryRepos } from '../inventory/inventory-store.ts';
import type { Intent } from './intent.ts';

/**
 * A question's scope when it said only a filler word that can be a name ("pending in the
 * *fleet*", question-text.ts NAMEABLE_FILLERS): the group or host of that name when the inventory
 * has one (as typed, else in lower case), so a real name wins over the filler; otherwise every
 * host, as the word reads. The intent goes on without the word either way: the answers, the next
 * page's command and `--json` see the scope as if it had been named, or none.
 */
export const resolveFiller = async (intent: Intent, store: Pick<InventoryRepos, 'groups' | 'hosts'>): Promise<Intent> => {
  if (!('filler' in intent) || intent.filler === undefined) return intent;
  const { filler, ...rest } = intent;
  if (rest.target !== null) return rest;
  for (const name of new Set([filler, filler.toLowerCase()])) {
    const [group, host] = await Promise.all([store.groups.get(name), store.hosts.get(name)]);
    if (group || host) return { ...rest, target: name };
  }
  return rest;
};

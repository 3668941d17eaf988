import { findGroup, findHost, membersOf } from '../inventory/resolve.ts';
import { closestMatches } from '../shared/closest-matches.ts';
import { NotFoundError } from '../shared/errors.ts';
import { CARD_LIMITS, clip } from './card.ts';
import { personWhoActs } from './acting-person.ts';
import type { IntentHandler } from './reply.ts';
import { hostText } from '../shared/host-text.ts';

/** Starts a scan of these hosts for this requester; the runtime's discovery does the work. */
export type StartScan = (hosts: string[], requestedBy: string) => Promise<{ scanId: string; created: boolean }>;

/**
 * `scan [group|host]` from chat: resolves the target (with suggestions for a typo), starts the
 * scan through the job queue and answers at once; the digest follows if it finds anything new.
 */
export const scanHandler =
  (startScan: StartScan): IntentHandler<'scan'> =>
  async (intent, context) => {
    const { store } = context;
    // A scan runs commands as root on every host it names: someone the config knows asks for it.
    const by = personWhoActs(context, 'start scans');
    const [hosts, groups] = await Promise.all([store.hosts.list(), store.groups.list()]);
    let names = hosts.map((h) => h.name);
    if (intent.target) {
      const inventory = { hosts, groups };
      if (groups.some((g) => g.name === intent.target)) names = membersOf(findGroup(inventory, intent.target), hosts).map((h) => h.name);
      else if (hosts.some((h) => h.name === intent.target)) names = [findHost(inventory, intent.target).name];
      else {
        const known = [...groups.map((g) => g.name), ...names];
        throw new NotFoundError('group or host', intent.target, closestMatches(intent.target, known), { label: 'groups and hosts', names: known });
      }
    }
    const { scanId, created } = await startScan(names, by);
    const what = intent.target ? `${intent.target} (${names.length} host${names.length === 1 ? '' : 's'})` : names.length === 1 ? `the only host, ${names[0]}` : `all ${names.length} hosts`;
    return {
      public: {
        title: clip(created ? `Scanning ${what}` : `A scan of ${what} is already running`, CARD_LIMITS.titleChars),
        text: clip(
          `Scan \`${scanId}\`, asked by ${hostText(by)}. Findings are stored as each host reports; a digest follows if it discovers new patches. \`pending${intent.target ? ` ${intent.target}` : ''}\` shows what is missing.`,
          CARD_LIMITS.sectionChars,
        ),
      },
      data: { scan: scanId, hosts: names.length, created },
    };
  };

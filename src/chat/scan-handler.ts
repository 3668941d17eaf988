import { closestMatches } from '../shared/closest-matches.ts';
import { NotFoundError } from '../shared/errors.ts';
import { CARD_LIMITS, clip } from './card.ts';
import { personWhoActs } from './acting-person.ts';
import type { HandlerContext, IntentHandler } from './reply.ts';
import { hostText } from '../shared/host-text.ts';

/** Starts a scan of these hosts for this requester; the runtime's discovery does the work. */
export type StartScan = (hosts: string[], requestedBy: string) => Promise<{ scanId: string; created: boolean }>;

/**
 * The hosts of a group (membership evaluated in the store) or the one host, by name: a scan of
 * one group of 100,000 hosts need not read the others. Groups win over hosts of the same name;
 * only a name that is neither reads every name, for the closest ones.
 */
const targetHosts = async (store: HandlerContext['store'], target: string): Promise<string[]> => {
  const members = await store.groups.memberNames(target);
  if (members) return members;
  if (await store.hosts.get(target)) return [target];
  const [hosts, groups] = await Promise.all([store.hosts.list(), store.groups.list()]);
  const known = [...groups.map((g) => g.name), ...hosts.map((h) => h.name)];
  throw new NotFoundError('group or host', target, closestMatches(target, known), { label: 'groups and hosts', names: known });
};

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
    const names = intent.target ? await targetHosts(store, intent.target) : (await store.hosts.list()).map((h) => h.name);
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

import { buildComplianceOverview } from '../../src/compliance/report.ts';
import { isFramework } from '../../src/compliance/policy.ts';
import type { Config } from '../../src/config/schema.ts';
import { RolloutPlan } from '../../src/rollouts/rollout-plan.ts';
import { type RequestContext, sendJson } from '../../src/server/router.ts';
import type { ConsoleMessage, ConsoleStore } from './console-history.ts';
import { actingPerson, ConsoleApiError, resolveChannel } from './api-request.ts';
import type { Identity } from './auth.ts';
import { channelsOf, messageView, visibleTo } from './views.ts';
import { wavesView } from './waves-view.ts';

const DEFAULT_LIMIT = 200;
const MAX_LIMIT = 500;
/** Change ids are CHG-<n>; anything else cannot name one, and is not worth a query. */
const CHANGE_ID = /^[A-Za-z0-9._-]{1,64}$/;

const limitOf = (url: URL): number => {
  const raw = url.searchParams.get('limit');
  if (raw === null) return DEFAULT_LIMIT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new ConsoleApiError(400, `\`limit\` must be a whole number from 1 to ${MAX_LIMIT}`);
  return n;
};

/**
 * The latest messages of a channel with the roots of the threads they reply to: a thread started
 * long ago (an approval card) stays readable when only its recent replies are in the window.
 */
const withThreadRoots = async (store: ConsoleStore, messages: ConsoleMessage[], viewer: string): Promise<ConsoleMessage[]> => {
  const have = new Set(messages.map((m) => m.id));
  const missing = [...new Set(messages.flatMap((m) => (m.threadOf && !have.has(m.threadOf) ? [m.threadOf] : [])))];
  const roots = (await Promise.all(missing.map((id) => store.consoleMessages.get(id)))).filter((m): m is ConsoleMessage => m !== null && visibleTo(m, viewer));
  return [...roots, ...messages].sort((a, b) => Number(a.id) - Number(b.id));
};

export const readHandlers = ({ store, config }: { store: ConsoleStore; config: Config }) => ({
  /** GET /people: the person picker. */
  async people({ res }: RequestContext) {
    const people = await store.people.list();
    sendJson(res, 200, { people: people.map((p) => ({ name: p.name, roles: p.roles })) });
  },

  /** GET /channels?as=<person> */
  async channels({ res, url }: RequestContext, identity: Identity) {
    const person = await actingPerson(store, identity, url.searchParams.get('as'));
    sendJson(res, 200, { person: person.name, channels: channelsOf(person.name) });
  },

  /** GET /channels/<channel>/messages?as=<person>[&limit=N] */
  async messages({ res, url }: RequestContext, identity: Identity, channelName: string) {
    const person = await actingPerson(store, identity, url.searchParams.get('as'));
    const channel = resolveChannel(person, channelName);
    const limit = limitOf(url);
    // Read the revision first: a live view started from it misses nothing written during the read.
    const revision = await store.consoleMessages.latestRevision();
    const recent = await store.consoleMessages.recent(channel.name, person.name, limit);
    const messages = await withThreadRoots(store, recent, person.name);
    sendJson(res, 200, { channel: channel.name, revision, messages: messages.map(messageView) });
  },

  /** GET /compliance[?framework=pci|hipaa]: per group, for the console's chart. */
  async compliance({ res, url }: RequestContext) {
    const framework = url.searchParams.get('framework');
    if (framework !== null && !isFramework(framework)) throw new ConsoleApiError(400, '`framework` is pci or hipaa');
    const report = await buildComplianceOverview(store, { sla: config.compliance.sla, framework, now: new Date() });
    const group = (g: (typeof report.groups)[number]) => ({ group: g.group, hosts: g.hosts, status: g.status, compliantPct: g.compliantPct, byStatus: g.byStatus, missing: g.missing });
    sendJson(res, 200, { generatedAt: report.generatedAt.toISOString(), policy: report.policy.label, total: group(report.total), groups: report.groups.map(group) });
  },

  /** GET /changes/<id>/waves?as=<person>: the plan's waves, every host with its run's state, for the chart under the card. */
  async waves({ res, url }: RequestContext, identity: Identity, changeId: string) {
    // Reading a chart speaks for nobody: a token holder may; a named person must be a real one.
    if (identity.kind !== 'anonymous') await actingPerson(store, identity, url.searchParams.get('as'));
    const change = CHANGE_ID.test(changeId) ? await store.changes.get(changeId) : null;
    if (!change) throw new ConsoleApiError(404, `no change "${changeId}"; \`/patch changes\` lists them`);
    // Progress first, then runs: the cells are never older than the wave the chart highlights.
    const progress = await store.rollouts.progress(change.id);
    const runs = await store.rollouts.runs(change.id);
    const plan = RolloutPlan.safeParse(change.plan);
    sendJson(res, 200, wavesView(change, plan.success ? plan.data : null, progress, runs, new Date()));
  },
});

import { type Finding, NEEDS_PATCH, type Severity } from '../../discovery/patch.ts';
import type { Host } from '../../inventory/host.ts';
import { CARD_LIMITS, clip, listOf } from '../card.ts';
import type { IntentOf } from '../intent.ts';
import { type Answer, type EstateStore, freshnessLine, fullListHint, inScope, loadEstate, plural, scopeOf } from './estate.ts';
import { SEVERITIES, severityOf, severityRank } from './severity.ts';

/** Reads per host in small batches: one query per host, without flooding the pool on 1,000 hosts. */
const findingsOf = async (store: EstateStore, hosts: readonly Host[]): Promise<Finding[]> => {
  const all: Finding[] = [];
  for (let i = 0; i < hosts.length; i += 20) {
    const batch = await Promise.all(hosts.slice(i, i + 20).map((h) => store.findings.byHost(h.name)));
    all.push(...batch.flat());
  }
  return all;
};

const TOP_PATCHES = 10;

/** `pending [group|host]`: what is missing across the scope, by severity, most urgent and widest first. */
export const answerPending = async (store: EstateStore, intent: IntentOf<'pending'>, now: Date): Promise<Answer> => {
  const estate = await loadEstate(store);
  const scope = scopeOf(estate, intent.target);
  const findings = (await findingsOf(store, scope.hosts)).filter((f) => NEEDS_PATCH.includes(f.state));
  const patches = new Map((await store.patches.list()).map((p) => [p.id, p]));
  const hostsByPatch = new Map<string, string[]>();
  for (const f of findings) hostsByPatch.set(f.patchId, [...(hostsByPatch.get(f.patchId) ?? []), f.host]);
  const rows = [...hostsByPatch.entries()]
    .map(([id, hosts]) => ({ id, severity: severityOf(patches, id), title: patches.get(id)?.title ?? '', hosts: hosts.sort() }))
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || b.hosts.length - a.hosts.length || a.id.localeCompare(b.id));
  const bySeverity = Object.fromEntries(
    SEVERITIES.map((s) => {
      const of = rows.filter((r) => r.severity === s);
      return [s, { patches: of.length, hosts: new Set(of.flatMap((r) => r.hosts)).size }];
    }),
  ) as Record<Severity, { patches: number; hosts: number }>;
  const affected = new Set(findings.map((f) => f.host)).size;
  const { line, freshness } = await freshnessLine(store, estate, scope.hosts, now);
  const where = inScope(scope);
  const question = `pending${intent.target ? ` ${intent.target}` : ''}`;

  return {
    card: {
      title: clip(
        rows.length ? `${plural(rows.length, 'patch', 'patches')} pending on ${plural(affected, 'host')}${where}` : `Nothing pending${where}`,
        CARD_LIMITS.titleChars,
      ),
      ...(rows.length
        ? {}
        : { text: scope.hosts.length ? `No scanned host${where} is missing a patch (${plural(scope.hosts.length, 'host')} in scope).` : `No hosts${where}.` }),
      ...(rows.length
        ? { fields: SEVERITIES.filter((s) => bySeverity[s].patches > 0).map((s) => ({ label: s[0]!.toUpperCase() + s.slice(1), value: `${plural(bySeverity[s].patches, 'patch', 'patches')} on ${plural(bySeverity[s].hosts, 'host')}` })) }
        : {}),
      ...(rows.length
        ? { lists: [listOf(rows.map((r) => `${r.id} (${r.severity}) — ${plural(r.hosts.length, 'host')}`), TOP_PATCHES, fullListHint(question), 'Top patches')] }
        : {}),
      context: line,
    },
    data: {
      scope: { kind: scope.kind, name: scope.name, hosts: scope.hosts.length },
      affectedHosts: affected,
      bySeverity,
      patches: rows,
      freshness,
    },
  };
};

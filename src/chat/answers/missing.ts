import { NEEDS_PATCH, type Patch } from '../../discovery/patch.ts';
import { closestMatches } from '../../shared/closest-matches.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { CARD_LIMITS, clip, listOf } from '../card.ts';
import type { IntentOf } from '../intent.ts';
import { type Answer, type EstateStore, freshnessLine, fullListHint, inScope, loadEstate, plural, scopeOf } from './estate.ts';

/** A patch id no scan has reported: say so, and offer the nearest ids that scans did report. */
export class UnknownPatchError extends NotFoundError {
  constructor(id: string, suggestions: string[]) {
    super('patch', id, suggestions);
    const tail = suggestions.length ? ` Did you mean ${suggestions.join(', ')}?` : ' `pending` lists the patches scans have found missing.';
    this.message = `No patch ${id} has been seen in any scan.${tail}`;
  }
}

/** `deb:openssl@3.0.13-1` → `openssl`; null for advisories. */
const packageOf = (id: string): string | null => /^(?:deb|rpm):([^@]+)@/.exec(id)?.[1] ?? null;

/**
 * The patch by id. People think in packages, so a bare package name that matches exactly one
 * package update is that update (the card names the full id); several versions are offered.
 */
export const findPatch = async (store: EstateStore, id: string): Promise<Patch> => {
  const patch = await store.patches.get(id);
  if (patch) return patch;
  const known = await store.patches.list();
  const samePackage = known.filter((p) => packageOf(p.id) === id);
  if (samePackage.length === 1) return samePackage[0]!;
  const near = closestMatches(id, known.map((p) => p.id));
  throw new UnknownPatchError(id, [...new Set([...samePackage.map((p) => p.id), ...near])].slice(0, 3));
};

/** "Windows Recovery Environment update — important, security; CVE-2024-20666". */
export const describePatch = (patch: Patch): string => {
  const cves = patch.cves.length ? `; ${patch.cves.slice(0, 3).join(', ')}${patch.cves.length > 3 ? ` +${patch.cves.length - 3} more` : ''}` : '';
  return `${patch.title} — ${patch.severity}${patch.security ? ', security' : ''}${cves}${patch.rebootHint ? '; needs a reboot' : ''}`;
};

/** `missing <patch> [in <group|host>]`: the hosts still missing it, never an unexplained empty list. */
export const answerMissing = async (store: EstateStore, intent: IntentOf<'missing'>, now: Date): Promise<Answer> => {
  const patch = await findPatch(store, intent.patch);
  const estate = await loadEstate(store);
  const scope = scopeOf(estate, intent.target);
  const inside = new Set(scope.hosts.map((h) => h.name));
  const findings = (await store.findings.byPatch(patch.id)).filter((f) => inside.has(f.host));
  const hostsIn = (...states: string[]) => findings.filter((f) => states.includes(f.state)).map((f) => f.host);
  const needs = findings.filter((f) => NEEDS_PATCH.includes(f.state));
  const installed = hostsIn('installed');
  const pendingReboot = hostsIn('pending-reboot');
  const excluded = hostsIn('excluded');
  const reported = new Set(findings.map((f) => f.host));
  const notReported = scope.hosts.map((h) => h.name).filter((h) => !reported.has(h));
  const { line, freshness } = await freshnessLine(store, estate, scope.hosts, now);

  const question = `missing ${patch.id}${intent.target ? ` in ${intent.target}` : ''}`;
  const where = inScope(scope);
  const title = needs.length
    ? `${patch.id} is missing on ${plural(needs.length, 'host')}${where}`
    : `${patch.id} is not missing on any host${where}`;
  const none = [
    installed.length ? `installed on ${plural(installed.length, 'host')}` : '',
    pendingReboot.length ? `installed and waiting for a reboot on ${plural(pendingReboot.length, 'host')}` : '',
    excluded.length ? `excluded on ${plural(excluded.length, 'host')}` : '',
    notReported.length ? `never reported by ${plural(notReported.length, 'host')} (not applicable there, or not scanned)` : '',
  ].filter(Boolean);
  const text = needs.length ? describePatch(patch) : `${describePatch(patch)}\nNo scanned host${where} reports it missing: ${none.join('; ') || 'no host has been scanned'}.`;
  const items = needs.map((f) => (f.state === 'failed' ? `${f.host} (install failed)` : f.host));
  return {
    card: {
      title: clip(title, CARD_LIMITS.titleChars),
      text: clip(text, CARD_LIMITS.sectionChars),
      fields: [
        { label: 'Missing', value: String(needs.length) },
        { label: 'Installed', value: String(installed.length) },
        ...(pendingReboot.length ? [{ label: 'Awaiting reboot', value: String(pendingReboot.length) }] : []),
        { label: 'Not reported', value: String(notReported.length) },
      ],
      ...(needs.length ? { lists: [listOf(items, CARD_LIMITS.listItems, fullListHint(question))] } : {}),
      context: line,
    },
    data: {
      patch,
      scope: { kind: scope.kind, name: scope.name, hosts: scope.hosts.length },
      missing: needs.map((f) => ({ host: f.host, state: f.state, since: f.firstSeen, lastSeen: f.lastSeen })),
      installed,
      pendingReboot,
      excluded,
      notReported,
      freshness,
    },
  };
};

import type { Counted } from '../../discovery/discovery-store.ts';
import { versionOf } from '../../discovery/package-version.ts';
import { type Finding, type FindingState, NEEDS_PATCH, type Patch } from '../../discovery/patch.ts';
import { closestMatches } from '../../shared/closest-matches.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { CARD_LIMITS, clip } from '../card.ts';
import type { IntentOf } from '../intent.ts';
import { FIRST_PAGE, fromWindow, nextPage, pagedList, type Paging, windowOf } from '../paging.ts';
import { type Answer, emptyScopeTitle, type EstateStore, freshnessLine, inScope, notCheckedText, plural, scopeOf, titleWithUnchecked } from './estate.ts';

/** A patch id no scan has reported: say so, and offer the nearest ids that scans did report. */
export class UnknownPatchError extends NotFoundError {
  constructor(id: string, suggestions: string[]) {
    super('patch', id, suggestions);
    const tail = suggestions.length ? ` Did you mean ${suggestions.join(', ')}?` : ' `pending` lists the patches scans have found missing.';
    this.message = `No patch ${id} has been seen in any scan.${tail}`;
  }
}

/**
 * Advisory ids are numbers people copy: one wrong digit or two swapped is a slip (KB5040098 →
 * KB5040099), three digits apart is another update (KB5099999 is not KB5040099).
 */
const ADVISORY = /^(?:KB\d|DSA-|DLA-|USN-|RH[SBE]A-|ALSA-|RLSA-|ELSA-)/i;
const ADVISORY_SLIPS = 2;

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
  const near = closestMatches(
    id,
    known.map((p) => p.id),
    3,
    ADVISORY.test(id) ? ADVISORY_SLIPS : undefined,
  );
  throw new UnknownPatchError(id, [...new Set([...samePackage.map((p) => p.id), ...near])].slice(0, 3));
};

/** "Windows Recovery Environment update — important, security; CVE-2024-20666". */
export const describePatch = (patch: Patch): string => {
  const cves = patch.cves.length ? `; ${patch.cves.slice(0, 3).join(', ')}${patch.cves.length > 3 ? ` +${patch.cves.length - 3} more` : ''}` : '';
  return `${patch.title} — ${patch.severity}${patch.security ? ', security' : ''}${cves}${patch.rebootHint ? '; needs a reboot' : ''}`;
};

/**
 * "superseded by 1.2-1 on 2 hosts": the newer versions are named when the page holds every such host
 * (and they are few), else "a newer version".
 */
const supersededText = (superseded: Counted<Finding>): string => {
  const by = [...new Set(superseded.first.map((f) => (f.supersededBy === undefined ? null : (versionOf(f.supersededBy) ?? f.supersededBy))))];
  const named = superseded.first.length === superseded.count && by.length <= 3 && !by.includes(null) ? by.join(' or ') : 'a newer version';
  return `superseded by ${named} on ${plural(superseded.count, 'host')} before it was seen installed`;
};

/** `missing <patch> [in <group|host>]`: the hosts still missing it, never an unexplained empty list. */
export const answerMissing = async (store: EstateStore, intent: IntentOf<'missing'>, now: Date, paging: Paging = FIRST_PAGE): Promise<Answer> => {
  const patch = await findPatch(store, intent.patch);
  const scope = await scopeOf(store, intent.target);
  const { limit, offset } = windowOf(paging);
  const [coverage, needs, { line, freshness }] = await Promise.all([
    store.findings.patchCoverage(patch.id, scope.hosts, limit),
    // The page of hosts that need it, over both states (missing, failed), skipped in the store.
    store.findings.needingPatch(patch.id, scope.hosts, limit, offset),
    freshnessLine(store, scope, now),
  ]);
  const { byState, notReported } = coverage;
  const needCount = NEEDS_PATCH.reduce((sum, state) => sum + byState[state].count, 0);
  const hostsIn = (state: FindingState) => byState[state].first.map((f) => f.host);
  const installed = byState.installed.count;
  const pendingReboot = byState['pending-reboot'].count;
  const excluded = byState.excluded.count;
  // Not installed: the scans listed a newer version instead while the host ran an older one.
  const superseded = byState.superseded.count;
  const supersededLine = superseded ? supersededText(byState.superseded) : '';

  const command = `missing ${patch.id}${intent.target ? ` in ${intent.target}` : ''}`;
  const where = inScope(scope);
  const note = (shown: number) => notCheckedText(freshness, undefined, shown);
  const title =
    emptyScopeTitle(scope, freshness) ??
    titleWithUnchecked(
      needCount
        ? `${patch.id} is missing on ${plural(needCount, 'host')}${where}`
        : superseded
          ? `${patch.id} was superseded on ${plural(superseded, 'host')}${where} before it was seen installed there`
          : note(0)
            ? `${patch.id} is not known to be missing on any host${where}`
            : `${patch.id} is not missing on any host${where}`,
      '; ',
      note,
    );
  const none = [
    installed ? `installed on ${plural(installed, 'host')}` : '',
    supersededLine,
    pendingReboot ? `installed and waiting for a reboot on ${plural(pendingReboot, 'host')}` : '',
    excluded ? `excluded on ${plural(excluded, 'host')}` : '',
    notReported.count ? `never reported by ${plural(notReported.count, 'host')} (not applicable there, or not scanned)` : '',
  ].filter(Boolean);
  const text =
    needCount || freshness.hosts === 0
      ? `${describePatch(patch)}${supersededLine ? `\nAlso ${supersededLine}.` : ''}`
      : `${describePatch(patch)}\nNo scanned host${where} reports it missing: ${none.join('; ') || 'no host has been scanned'}.`;
  const items = fromWindow(needs, paging).map((f) => (f.state === 'failed' ? `${f.host} (install failed)` : f.host));
  return {
    card: {
      title: clip(title, CARD_LIMITS.titleChars),
      text: clip(text, CARD_LIMITS.sectionChars),
      fields: [
        { label: 'Missing', value: String(needCount) },
        { label: 'Installed', value: String(installed) },
        ...(superseded ? [{ label: 'Superseded', value: String(superseded) }] : []),
        ...(pendingReboot ? [{ label: 'Awaiting reboot', value: String(pendingReboot) }] : []),
        { label: 'Not reported', value: String(notReported.count) },
      ],
      ...(needCount ? { lists: [pagedList(items, needCount, paging, command)] } : {}),
      context: line,
      ...nextPage(paging, command, [needCount]),
    },
    data: {
      patch,
      scope: { kind: scope.kind, name: scope.name, hosts: freshness.hosts },
      // Counts are always whole; the lists are whole for the CLI and the page asked for in chat.
      counts: { missing: needCount, installed, superseded, pendingReboot, excluded, notReported: notReported.count },
      missing: needs.map((f) => ({ host: f.host, state: f.state, since: f.firstSeen, lastSeen: f.lastSeen })),
      installed: hostsIn('installed'),
      superseded: byState.superseded.first.map((f) => ({ host: f.host, by: f.supersededBy ?? null })),
      pendingReboot: hostsIn('pending-reboot'),
      excluded: hostsIn('excluded'),
      notReported: notReported.first,
      freshness,
    },
  };
};

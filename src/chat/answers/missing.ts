import { isKbId, versionOf } from '../../discovery/package-version.ts';
import { type Finding, NEEDS_PATCH, type Patch } from '../../discovery/patch.ts';
import { patchSuggestions } from '../../discovery/patch-suggestions.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { CARD_LIMITS, clip } from '../card.ts';
import type { IntentOf } from '../intent.ts';
import { FIRST_PAGE, fromWindow, nextPage, pageLists, pagedList, type Paging, windowOf } from '../paging.ts';
import { type Answer, emptyScopeTitle, type EstateStore, freshnessLine, inScope, notCheckedText, plural, scopeOf, titleWithUnchecked } from './estate.ts';
import { hostText } from '../../shared/host-text.ts';
import { HISTORY_RETENTION_DAYS } from '../../jobs/housekeeping.ts';

/**
 * A patch id the catalog does not hold: say so, and offer the nearest ids it does. Not "never
 * seen": housekeeping forgets a patch no finding or change has named for the history's retention.
 */
export class UnknownPatchError extends NotFoundError {
  constructor(id: string, suggestions: string[]) {
    super('patch', id, suggestions);
    const tail = suggestions.length ? ` Did you mean ${suggestions.join(', ')}?` : ' `pending` lists the patches scans have found missing.';
    this.message = `No scan has reported patch ${id} in the last ${HISTORY_RETENTION_DAYS} days.${tail}`;
  }
}

/**
 * Advisory ids are numbers people copy: one wrong digit or two swapped is a slip (KB5040098 →
 * KB5040099), three digits apart is another update (KB5099999 is not KB5040099).
 */
const ADVISORY = /^(?:KB\d|DSA-|DLA-|USN-|RH[SBE]A-|ALSA-|RLSA-|ELSA-)/i;
const ADVISORY_SLIPS = 2;

/**
 * The patch by id. People think in packages, so a bare package name that matches exactly one
 * package update is that update (the card names the full id); several versions are offered. The
 * suggestions are read bounded (PatchRepository.suggestions), not from the whole catalog.
 */
export const findPatch = async (store: EstateStore, id: string): Promise<Patch> => {
  const patch = await store.patches.get(id);
  if (patch) return patch;
  const { samePackage, nearest } = await patchSuggestions(store.patches, id, ADVISORY.test(id) ? ADVISORY_SLIPS : undefined);
  const only = samePackage.length === 1 ? await store.patches.get(samePackage[0]!) : null;
  if (only) return only;
  throw new UnknownPatchError(id, [...new Set([...samePackage, ...nearest])].slice(0, 3));
};

/** "Windows Recovery Environment update — important, security; CVE-2024-20666". */
export const describePatch = (patch: Patch): string => {
  const cves = patch.cves.length ? `; ${patch.cves.slice(0, 3).join(', ')}${patch.cves.length > 3 ? ` +${patch.cves.length - 3} more` : ''}` : '';
  return `${hostText(patch.title)} — ${patch.severity}${patch.security ? ', security' : ''}${cves}${patch.rebootHint ? '; needs a reboot' : ''}`;
};

/** "1.2-1" of `deb:libbar1@1.2-1`, or the id when it names no version; null when the finding does not say. */
const newerOf = (f: Finding): string | null => (f.supersededBy === undefined ? null : (versionOf(f.supersededBy) ?? f.supersededBy));

/**
 * "superseded by 1.2-1 on 2 hosts": the newer versions are named when the page holds every such host
 * (and they are few), else `newer`: "a newer version" of a package, "a newer update" of a Windows KB
 * whose successor is not known (a scan without UpdateIDs, or no offered update naming it).
 */
const supersededText = (page: readonly Finding[], count: number, newer: string): string => {
  const by = [...new Set(page.map(newerOf))];
  const named = page.length === count && by.length <= 3 && !by.includes(null) ? by.join(' or ') : newer;
  return `superseded by ${named} on ${plural(count, 'host')} before it was seen installed`;
};

/**
 * `missing <patch> [in <group|host>]`: the hosts still missing it, never an unexplained empty list.
 * Two lists are paged (page N is page N of each): the hosts that need it, and those where it was
 * superseded before it was seen installed.
 */
export const answerMissing = async (store: EstateStore, intent: IntentOf<'missing'>, now: Date, paging: Paging = FIRST_PAGE): Promise<Answer> => {
  const patch = await findPatch(store, intent.patch);
  const scope = await scopeOf(store, intent.target);
  const { limit, offset } = windowOf(paging);
  const [coverage, needs, supersededPage, { line, freshness }] = await Promise.all([
    // Counts of every state; hosts of the states no list pages (installed, awaiting a reboot, excluded).
    store.findings.patchCoverage(patch.id, scope.hosts, limit),
    // The page of hosts that need it, over both states (missing, failed), skipped in the store.
    store.findings.findingsOfPatch(patch.id, scope.hosts, NEEDS_PATCH, limit, offset),
    store.findings.findingsOfPatch(patch.id, scope.hosts, ['superseded'], limit, offset),
    freshnessLine(store, scope, now),
  ]);
  const { counts, first, notReported } = coverage;
  const needCount = NEEDS_PATCH.reduce((sum, state) => sum + counts[state], 0);
  const installed = counts.installed;
  const pendingReboot = counts['pending-reboot'];
  const excluded = counts.excluded;
  // Not installed: the scans listed a newer version instead while the host ran an older one.
  const superseded = counts.superseded;
  const newer = isKbId(patch.id) ? 'a newer update' : 'a newer version';
  const supersededLine = superseded ? supersededText(supersededPage, superseded, newer) : '';

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
  const supersededItems = fromWindow(supersededPage, paging).map((f) => `${f.host} (by ${newerOf(f) ?? newer})`);
  const lists = pageLists(paging.page, [
    ...(needCount ? [{ list: pagedList(items, needCount, paging, command), total: needCount }] : []),
    ...(superseded ? [{ list: pagedList(supersededItems, superseded, paging, command, 'Superseded'), total: superseded }] : []),
  ]);
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
      ...(lists.length ? { lists } : {}),
      context: line,
      ...nextPage(paging, command, [needCount, superseded]),
    },
    data: {
      patch,
      scope: { kind: scope.kind, name: scope.name, hosts: freshness.hosts },
      // Counts are always whole; the lists are whole for the CLI and the page asked for in chat.
      counts: { missing: needCount, installed, superseded, pendingReboot, excluded, notReported: notReported.count },
      missing: needs.map((f) => ({ host: f.host, state: f.state, since: f.firstSeen, lastSeen: f.lastSeen })),
      installed: first.installed.map((f) => f.host),
      superseded: supersededPage.map((f) => ({ host: f.host, by: f.supersededBy ?? null })),
      pendingReboot: first['pending-reboot'].map((f) => f.host),
      excluded: first.excluded.map((f) => f.host),
      notReported: notReported.first,
      freshness,
    },
  };
};

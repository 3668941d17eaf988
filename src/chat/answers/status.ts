import { versionOf } from '../../discovery/package-version.ts';
import { type HostScan, NEEDS_PATCH } from '../../discovery/patch.ts';
import { closestMatches } from '../../shared/closest-matches.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { CARD_LIMITS, clip } from '../card.ts';
import type { IntentOf } from '../intent.ts';
import { FIRST_PAGE, nextPage, pagedList, type Paging, slicePage } from '../paging.ts';
import { type Answer, type EstateStore, FRESHNESS_SAMPLE, plural, sameNameIgnoringCase } from './estate.ts';
import { rebootUnknownReason } from './reboot-reason.ts';
import { formatFreshness, freshnessOf, relativeTime } from './freshness.ts';
import { answerPending } from './pending.ts';
import { byUrgency, countBySeverity, describeCounts, severityOf } from './severity.ts';
import { hostText } from '../../shared/host-text.ts';

const lastScan = (scan: HostScan | undefined, now: Date): string => {
  if (!scan) return 'never scanned';
  const when = relativeTime(scan.finishedAt, now);
  return scan.outcome === 'ok' ? `ok, ${when}` : `${scan.outcome} ${when}${scan.error ? `: ${hostText(clip(scan.error, 200))}` : ''}`;
};

/** "unknown (needrestart is not installed)": an unknown flag says why, from the scan's warning. */
const rebootFlag = (scan: HostScan | undefined): string => {
  if (scan?.rebootRequired === true) return 'required';
  if (scan?.rebootRequired === false) return 'not required';
  if (!scan) return 'unknown (never scanned)';
  if (scan.outcome !== 'ok') return `unknown (latest scan ${scan.outcome})`;
  const why = rebootUnknownReason(scan.warnings ?? []);
  return why ? `unknown (${hostText(why)})` : 'unknown (the scan did not say)';
};

/** What the findings say, and whether they are the latest word: a failed scan is not "no missing patches". */
const headline = (missing: number, scan: HostScan | undefined, lastSeen: Date | null, now: Date): string => {
  if (!scan) return 'not scanned yet: nothing is known about its patches';
  const count = missing ? plural(missing, 'missing patch', 'missing patches') : 'no missing patches';
  if (scan.outcome === 'ok') return count;
  if (!lastSeen) return `nothing known (latest scan ${scan.outcome}, no scan has succeeded yet)`;
  return `${count} as of ${relativeTime(lastSeen, now)} (latest scan ${scan.outcome})`;
};

/** The footer of a host whose latest scan failed: when its data was last good, and why the latest attempt was not. */
const failedScanLine = (scan: HostScan, lastSeen: Date | null, now: Date): string =>
  `${lastSeen ? `last successful scan ${relativeTime(lastSeen, now)}` : 'no successful scan yet'}; latest attempt ${scan.outcome} ${relativeTime(scan.finishedAt, now)}${
    scan.error ? `: ${hostText(clip(scan.error, 200))}` : ''
  }`;

/**
 * `status <host>`: missing patches by severity, the reboot flag and the last scan. A group name
 * gets the group's `pending` answer instead of a "no such host": people say "status of prod-web".
 */
export const answerStatus = async (store: EstateStore, intent: IntentOf<'status'>, now: Date, paging: Paging = FIRST_PAGE): Promise<Answer> => {
  const facts = await store.findings.hostStatus(intent.host);
  if (!facts) {
    if (await store.groups.get(intent.host)) return answerPending(store, { kind: 'pending', target: intent.host }, now, paging);
    const [hosts, groups] = await Promise.all([store.hosts.list(), store.groups.list()]);
    // `status LOCALHOST`: the one host or group whose name differs only in case.
    const same = sameNameIgnoringCase(
      intent.host,
      [...hosts, ...groups].map((h) => h.name),
    );
    if (same !== null) return answerStatus(store, { ...intent, host: same }, now, paging);
    throw new NotFoundError(
      'host',
      intent.host,
      closestMatches(
        intent.host,
        [...hosts, ...groups].map((h) => h.name),
      ),
      { label: 'hosts', names: hosts.map((h) => h.name) },
    );
  }
  const { host, latestScan, lastSeen, findings } = facts;
  const scan = latestScan ?? undefined;
  // The freshness of one host, from the facts already read: what scans.freshness would count.
  const freshness = freshnessOf([host.name], latestScan ? [latestScan] : [], lastSeen ? new Map([[host.name, lastSeen]]) : new Map(), FRESHNESS_SAMPLE);
  const line = scan && scan.outcome !== 'ok' ? failedScanLine(scan, lastSeen, now) : formatFreshness(freshness, now);
  const stateOf = new Map(findings.map((f) => [f.patchId, f.state]));
  const patches = new Map(findings.map((f) => [f.patchId, f]));
  const needs = findings
    .filter((f) => NEEDS_PATCH.includes(f.state))
    .map((f) => f.patchId)
    .sort(byUrgency(patches));
  const awaitingReboot = findings.filter((f) => f.state === 'pending-reboot').map((f) => f.patchId);
  const counts = countBySeverity(patches, needs);
  // The older versions each missing one superseded (its SLA clock started with the first of them).
  const supersedes = new Map<string, string[]>();
  for (const f of findings) if (f.state === 'superseded' && f.supersededBy) supersedes.set(f.supersededBy, [...(supersedes.get(f.supersededBy) ?? []), f.patchId]);
  const older = (id: string): string => {
    const versions = supersedes.get(id)?.map((old) => versionOf(old) ?? old);
    return versions ? `, supersedes ${versions.join(', ')}` : '';
  };
  const items = needs.map((id) => `${id} (${severityOf(patches, id)})${stateOf.get(id) === 'failed' ? ', install failed' : ''}${older(id)}`);

  return {
    card: {
      title: clip(`${host.name}: ${headline(needs.length, scan, lastSeen, now)}`, CARD_LIMITS.titleChars),
      // The OS name is the host's own (os-release PRETTY_NAME, the registry's ProductName).
      ...(scan?.osName ? { text: clip(`${hostText(scan.osName)} (${host.os})`, CARD_LIMITS.sectionChars) } : {}),
      fields: [
        { label: 'Missing', value: describeCounts(counts) },
        { label: 'Reboot', value: clip(rebootFlag(scan), CARD_LIMITS.fieldChars) },
        { label: 'Last scan', value: clip(lastScan(scan, now), CARD_LIMITS.fieldChars) },
        ...(awaitingReboot.length ? [{ label: 'Installed, awaiting reboot', value: String(awaitingReboot.length) }] : []),
      ],
      // One host's findings are read whole for its counts: its page is a slice of them.
      ...(needs.length ? { lists: [pagedList(slicePage(items, paging.page), items.length, paging, `status ${host.name}`)] } : {}),
      context: line,
      ...nextPage(paging, `status ${host.name}`, [items.length]),
    },
    data: {
      host: { name: host.name, os: host.os, groups: host.groups, tags: host.tags },
      missing: needs.map((id) => ({ patch: id, severity: severityOf(patches, id), state: stateOf.get(id), ...(supersedes.has(id) ? { supersedes: supersedes.get(id) } : {}) })),
      bySeverity: counts,
      awaitingReboot,
      rebootRequired: scan?.rebootRequired ?? null,
      lastScan: scan ?? null,
      freshness,
    },
  };
};

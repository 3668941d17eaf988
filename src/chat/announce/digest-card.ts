import type { Counted } from '../../discovery/discovery-store.ts';
import type { Patch, Severity } from '../../discovery/patch.ts';
import { type Card, type CardChoice, type CardSection, CARD_LIMITS, clip, listOf } from '../card.ts';
import { hostText } from '../../shared/host-text.ts';

export interface DigestOptions {
  scanId: string;
  /** The footer: how fresh the scan's data is ("38 of 40 hosts reached, 2 unreachable"). */
  freshness: string;
  /** The windows *Propose rollout* offers (digest-windows.ts); absent: the button proposes in the first configured window. */
  windows?: CardChoice[];
}

/** Critical first: the order a reader triages in. */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'important', 'moderate', 'low', 'unknown'];

/** Patches listed per severity before "+N more"; five severities stay far below Slack's 50 blocks. */
const PER_SEVERITY = CARD_LIMITS.listItems;
/** Chars per severity list: five lists plus the rest stay well under the ~28 KB Teams card. */
const LIST_CHARS = 2400;
/** Host names shown per patch. */
const HOSTS_SHOWN = 3;
/** Patch ids carried in the Propose button, when the scan id alone is not wanted. */
const TOP_IDS = 20;

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Host names the digest shows per patch: what it asks the store for. */
export const DIGEST_HOSTS_SHOWN = HOSTS_SHOWN;

/** What the digest needs about the hosts: per patch, how many and the first few by name; how many in all. */
export interface DigestHosts {
  byPatch: ReadonlyMap<string, Counted<string>>;
  /** Distinct hosts that need any of the patches. */
  hosts: number;
}

/** `web-01, web-02, web-03, +37 more`, or `no host needs it yet`. */
export const hostSummary = (hosts: Counted<string>): string => {
  if (hosts.count === 0) return 'no host needs it yet';
  const shown = hosts.first.slice(0, HOSTS_SHOWN).join(', ');
  const hidden = hosts.count - Math.min(HOSTS_SHOWN, hosts.first.length);
  return `${count(hosts.count, 'host')} (${shown}${hidden > 0 ? `, +${hidden} more` : ''})`;
};

const patchLine = (patch: Patch, hosts: Counted<string>): string => `\`${patch.id}\` ${hostText(clip(patch.title, 80))}${patch.security ? ' [security]' : ''} — ${hostSummary(hosts)}`;

/** Thread keys allow letters, digits and `._:-`; a scan id with anything else is folded. */
const keyPart = (scanId: string) => scanId.replace(/[^A-Za-z0-9._:-]/g, '-') || 'scan';

/**
 * One card for every patch a scan discovered: grouped by severity (critical first), each patch
 * with its affected host count and a few host names, each group capped with "+N more", so even a
 * first scan that finds 500 patches renders on every surface. `affected` counts, per patch id,
 * the hosts that need it (and names the first few).
 */
export const digestCard = (patches: readonly Patch[], affected: DigestHosts, { scanId, freshness, windows }: DigestOptions): Card => {
  const none: Counted<string> = { count: 0, first: [] };
  const hostsOf = (id: string) => affected.byPatch.get(id) ?? none;
  const sections: CardSection[] = [];
  const counts: string[] = [];
  const ranked: Patch[] = [];
  for (const severity of SEVERITY_ORDER) {
    const group = patches.filter((p) => p.severity === severity).sort((a, b) => hostsOf(b.id).count - hostsOf(a.id).count || a.id.localeCompare(b.id));
    if (group.length === 0) continue;
    ranked.push(...group);
    counts.push(`${group.length.toLocaleString('en-US')} ${severity}`);
    const heading = `${capitalized(severity)} (${group.length.toLocaleString('en-US')})`;
    const list = listOf(
      group.map((p) => patchLine(p, hostsOf(p.id))),
      PER_SEVERITY,
      '`pending` lists them a page at a time; `missing` with a patch id names its hosts',
      undefined,
      LIST_CHARS,
    );
    sections.push({ heading, lists: [list] });
  }
  const propose =
    `scan:${scanId}`.length <= CARD_LIMITS.actionValue
      ? `scan:${scanId}`
      : ranked
          .slice(0, TOP_IDS)
          .map((p) => p.id)
          .join(' ');
  return {
    title: clip(`${count(patches.length, 'new patch', 'new patches')} found`, CARD_LIMITS.titleChars),
    text: clip(`Scan \`${scanId}\` discovered ${count(patches.length, 'patch', 'patches')} (${counts.join(', ')}) needed on ${count(affected.hosts, 'host')}.`, CARD_LIMITS.sectionChars),
    sections,
    context: clip(freshness, CARD_LIMITS.sectionChars),
    threadKey: `scan:${keyPart(scanId)}`,
    actions: [
      { id: 'digest.propose', label: 'Propose rollout', style: 'primary', value: clip(propose, CARD_LIMITS.actionValue), ...(windows?.length ? { choices: windows } : {}) },
      { id: 'digest.defer', label: 'Defer', style: 'default', value: clip(`scan:${scanId}`, CARD_LIMITS.actionValue) },
    ],
  };
};

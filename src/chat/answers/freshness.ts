import type { FreshnessFacts } from '../../discovery/discovery-store.ts';
import type { HostScan } from '../../discovery/patch.ts';

/** "just now", "12 min ago", "2 h ago", "3 d ago": coarse on purpose, it is read on a phone. */
export const relativeTime = (then: Date, now: Date): string => {
  const seconds = Math.max(0, (now.getTime() - then.getTime()) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
};

/** How fresh an answer's data is over the hosts it covers: counted by the store, a few hosts named. */
export type Freshness = FreshnessFacts;

/**
 * The same summary from scans in memory (tests, and callers that already hold them): what
 * ScanRepository.freshness computes in SQL, naming at most `sample` hosts per list. `lastSeen`
 * (optional) is when each host last reported patch data.
 */
export const freshnessOf = (hosts: readonly string[], latest: readonly HostScan[], lastSeen: ReadonlyMap<string, Date> = new Map(), sample = 5): Freshness => {
  const byHost = new Map(latest.map((scan) => [scan.host, scan]));
  const ok: number[] = [];
  const unreachable: Freshness['unreachable']['first'] = [];
  const neverScanned: string[] = [];
  for (const host of hosts) {
    const scan = byHost.get(host);
    if (!scan) neverScanned.push(host);
    else if (scan.outcome === 'ok') ok.push(scan.finishedAt.getTime());
    else unreachable.push({ host, outcome: scan.outcome, triedAt: scan.finishedAt, lastSeen: lastSeen.get(host) ?? null });
  }
  unreachable.sort((a, b) => a.triedAt.getTime() - b.triedAt.getTime() || a.host.localeCompare(b.host));
  return {
    hosts: hosts.length,
    scanned: ok.length,
    newest: ok.length ? new Date(Math.max(...ok)) : null,
    oldest: ok.length ? new Date(Math.min(...ok)) : null,
    unreachable: { count: unreachable.length, outcomes: [...new Set(unreachable.map((u) => u.outcome))], first: unreachable.slice(0, sample) },
    neverScanned: { count: neverScanned.length, first: neverScanned.sort().slice(0, sample) },
  };
};

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
const SHOWN = 2;

/**
 * "from scans 2 h ago; 3 hosts unreachable (web-03 last seen 5 h ago, …); 1 host never scanned".
 * `scope` names a group or host the answer covers (null: the whole inventory).
 */
export const formatFreshness = (f: Freshness, now: Date, scope: string | null = null): string => {
  if (f.hosts === 0) return scope === null ? 'no hosts in the inventory' : `no hosts in ${scope}`;
  const parts: string[] = [];
  if (f.newest && f.oldest) {
    const newest = relativeTime(f.newest, now);
    const oldest = relativeTime(f.oldest, now);
    parts.push(newest === oldest ? `from scans ${newest}` : `from scans ${newest.replace(/ ago$/, '')} – ${oldest}`);
  } else if (f.unreachable.count === 0) parts.push('no successful scan yet (run `scan`)');
  // Otherwise every latest scan failed: the unreachable part below says when each host last reported.
  const { unreachable } = f;
  if (unreachable.count) {
    const named = unreachable.first
      .slice(0, SHOWN)
      .map((u) => (u.lastSeen ? `${u.host} last seen ${relativeTime(u.lastSeen, now)}` : `${u.host} ${u.outcome} ${relativeTime(u.triedAt, now)}`));
    const more = unreachable.count > named.length ? `, +${(unreachable.count - named.length).toLocaleString('en-US')} more` : '';
    const outcomes = new Set(unreachable.outcomes);
    const label = outcomes.size > 1 ? 'could not be scanned' : outcomes.has('failed') ? 'failed to scan' : 'unreachable';
    parts.push(`${count(unreachable.count, 'host')} ${label} (${named.join(', ')}${more})`);
  }
  if (f.neverScanned.count) parts.push(`${count(f.neverScanned.count, 'host')} never scanned`);
  return parts.join('; ');
};

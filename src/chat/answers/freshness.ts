import type { HostScan } from '../../discovery/patch.ts';

/** "just now", "12 min ago", "2 h ago", "3 d ago": coarse on purpose, it is read on a phone. */
export const relativeTime = (then: Date, now: Date): string => {
  const seconds = Math.max(0, (now.getTime() - then.getTime()) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
};

export interface Freshness {
  hosts: number;
  /** Hosts whose latest scan was ok. */
  scanned: number;
  newest: Date | null;
  oldest: Date | null;
  /** Hosts whose latest scan was unreachable or failed, oldest attempt first. */
  unreachable: { host: string; outcome: string; triedAt: Date; lastSeen: Date | null }[];
  neverScanned: string[];
}

/**
 * How fresh an answer's data is, over the hosts it covers. `lastSeen` (optional) is when each
 * host last reported patch data, so an unreachable host can say how stale its findings are.
 */
export const freshnessOf = (hosts: readonly string[], latest: readonly HostScan[], lastSeen: ReadonlyMap<string, Date> = new Map()): Freshness => {
  const byHost = new Map(latest.map((scan) => [scan.host, scan]));
  const ok: Date[] = [];
  const unreachable: Freshness['unreachable'] = [];
  const neverScanned: string[] = [];
  for (const host of hosts) {
    const scan = byHost.get(host);
    if (!scan) neverScanned.push(host);
    else if (scan.outcome === 'ok') ok.push(scan.finishedAt);
    else unreachable.push({ host, outcome: scan.outcome, triedAt: scan.finishedAt, lastSeen: lastSeen.get(host) ?? null });
  }
  const times = ok.map((d) => d.getTime());
  unreachable.sort((a, b) => a.triedAt.getTime() - b.triedAt.getTime() || a.host.localeCompare(b.host));
  return {
    hosts: hosts.length,
    scanned: ok.length,
    newest: times.length ? new Date(Math.max(...times)) : null,
    oldest: times.length ? new Date(Math.min(...times)) : null,
    unreachable,
    neverScanned,
  };
};

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
const SHOWN = 2;

/** "from scans 2 h ago; 3 hosts unreachable (web-03 last seen 5 h ago, …); 1 host never scanned". */
export const formatFreshness = (f: Freshness, now: Date): string => {
  if (f.hosts === 0) return 'no hosts in the inventory';
  const parts: string[] = [];
  if (f.newest && f.oldest) {
    const newest = relativeTime(f.newest, now);
    const oldest = relativeTime(f.oldest, now);
    parts.push(newest === oldest ? `from scans ${newest}` : `from scans ${newest.replace(/ ago$/, '')} – ${oldest}`);
  } else parts.push('no successful scan yet (run `scan`)');
  if (f.unreachable.length) {
    const named = f.unreachable.slice(0, SHOWN).map((u) => (u.lastSeen ? `${u.host} last seen ${relativeTime(u.lastSeen, now)}` : `${u.host} ${u.outcome} ${relativeTime(u.triedAt, now)}`));
    const more = f.unreachable.length > SHOWN ? `, +${f.unreachable.length - SHOWN} more` : '';
    const outcomes = new Set(f.unreachable.map((u) => u.outcome));
    const label = outcomes.size > 1 ? 'could not be scanned' : outcomes.has('failed') ? 'failed to scan' : 'unreachable';
    parts.push(`${count(f.unreachable.length, 'host')} ${label} (${named.join(', ')}${more})`);
  }
  if (f.neverScanned.length) parts.push(`${count(f.neverScanned.length, 'host')} never scanned`);
  return parts.join('; ');
};

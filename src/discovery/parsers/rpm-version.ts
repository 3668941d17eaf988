/**
 * RPM's version order, as rpm compares `[epoch:]version-release` (lib/rpmvercmp.c rpmvercmp, and
 * rpmevrCmp around it): epochs as numbers (none is 0), then the versions, then the releases, each
 * by rpmvercmp. Migration 021's rpm_version_cmp is the same order in SQL; both are checked against
 * rpm itself (test/postgres/rpm-version-sql.test.ts).
 */

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** rpmvercmp: alternating numeric and alphabetic segments; `~` sorts before everything, even the end; `^` after the end. */
export const rpmvercmp = (a: string, b: string): number => {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isDigit(a[i]) && !isAlpha(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isDigit(b[j]) && !isAlpha(b[j]) && b[j] !== '~' && b[j] !== '^') j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = isDigit(a[i]);
    const inSegment = numeric ? isDigit : isAlpha;
    let ei = i;
    let ej = j;
    while (ei < a.length && inSegment(a[ei])) ei++;
    while (ej < b.length && inSegment(b[ej])) ej++;
    // One segment numeric, the other alphabetic (so empty here): the numeric one is newer.
    if (ej === j) return numeric ? 1 : -1;
    let x = a.slice(i, ei);
    let y = b.slice(j, ej);
    if (numeric) {
      x = x.replace(/^0+/, '');
      y = y.replace(/^0+/, '');
      if (x.length !== y.length) return x.length > y.length ? 1 : -1;
    }
    if (x !== y) return x < y ? -1 : 1;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
};

const splitEvr = (evr: string): { epoch: bigint; version: string; release: string } => {
  const colon = evr.indexOf(':');
  const epochText = colon > 0 && /^\d+$/.test(evr.slice(0, colon)) ? evr.slice(0, colon) : null;
  const rest = epochText === null ? evr : evr.slice(colon + 1);
  const dash = rest.lastIndexOf('-');
  return { epoch: BigInt(epochText ?? 0), version: dash > 0 ? rest.slice(0, dash) : rest, release: dash > 0 ? rest.slice(dash + 1) : '' };
};

/**
 * `[epoch:]version[-release]` against another: -1, 0 or 1. A missing release compares as empty,
 * as rpm.vercmp does (so `1.0-1` is after `1.0`); dnf and rpm -q always print one.
 */
export const compareRpmVersions = (a: string, b: string): number => {
  const x = splitEvr(a);
  const y = splitEvr(b);
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  return sign(rpmvercmp(x.version, y.version) || rpmvercmp(x.release, y.release));
};

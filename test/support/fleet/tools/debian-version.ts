/**
 * Debian version ordering (deb-version(7), dpkg's lib/dpkg/version.c): `[epoch:]upstream[-revision]`;
 * `~` sorts before everything, even the end of the string, so 1.0~rc1 < 1.0. The simulated apt
 * must order versions as the real one does, or "newer candidate" and "downgrade" would be wrong.
 */

interface Parsed {
  epoch: number;
  upstream: string;
  revision: string;
}

const parse = (version: string): Parsed => {
  const colon = version.indexOf(':');
  const epoch = colon > 0 ? Number(version.slice(0, colon)) : 0;
  const rest = colon > 0 ? version.slice(colon + 1) : version;
  const dash = rest.lastIndexOf('-');
  return dash > 0 ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) } : { epoch, upstream: rest, revision: '' };
};

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isLetter = (c: string) => /[A-Za-z]/.test(c);

/** dpkg's order(): ~ first, then the end of the string (and digits), then letters, then everything else. */
const order = (c: string | undefined): number => {
  if (c === undefined || isDigit(c)) return 0;
  if (c === '~') return -1;
  if (isLetter(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
};

const verrevcmp = (a: string, b: string): number => {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const diff = order(a[i]) - order(b[j]);
      if (diff) return diff;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
};

/** Negative when a sorts before b, 0 when equal, positive after. */
export const compareVersions = (a: string, b: string): number => {
  const x = parse(a);
  const y = parse(b);
  if (x.epoch !== y.epoch) return x.epoch - y.epoch;
  return verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision);
};

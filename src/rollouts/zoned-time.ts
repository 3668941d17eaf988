/**
 * Wall-clock time in an IANA zone, with nothing but Intl. A "wall" value is the local date and
 * time encoded as if it were UTC milliseconds (Date.UTC(y, m, d, h, mi)), so calendar arithmetic
 * on it is plain addition and only the wall ↔ instant step needs the zone's rules.
 */
const MINUTE_MS = 60_000;
const HALF_DAY_MS = 12 * 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterFor = (zone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
};

/** The wall time in `zone` at `instant` (ms), to the second. */
export const wallOf = (zone: string, instant: number): number => {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  // Some engines still print midnight as hour 24 even with h23.
  const hour = parts.hour === 24 ? 0 : (parts.hour ?? 0);
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, hour, parts.minute ?? 0, parts.second ?? 0);
};

/** Offset of `zone` from UTC at `instant`, in ms (New York in winter: -5 h). */
export const offsetAt = (zone: string, instant: number): number => wallOf(zone, instant) - Math.floor(instant / 1000) * 1000;

/**
 * The instant at which `zone`'s clocks show `wall`. The two DST cases, decided once here:
 * - a wall time that happens twice (fall-back, 01:30 in New York in November) is its FIRST
 *   occurrence, so a cron fires once, not twice;
 * - a wall time that never happens (spring-forward, 02:30 in New York in March) is the first
 *   instant after the gap, i.e. the moment of the jump (03:00 local) — what cron daemons do
 *   for jobs in the skipped hour, and the earliest moment the window can honestly be open.
 */
export const instantOf = (zone: string, wall: number): number => {
  // A transition changes the offset; the offsets half a day either side bracket any single one.
  const before = offsetAt(zone, wall - HALF_DAY_MS);
  const after = offsetAt(zone, wall + HALF_DAY_MS);
  const fits = [wall - before, wall - after].filter((instant) => wallOf(zone, instant) === wall);
  if (fits.length > 0) return Math.min(...fits);
  // In the gap: search (by minute: zones move on whole minutes) for the jump between the two.
  let low = Math.floor(Math.min(wall - before, wall - after) / MINUTE_MS);
  let high = Math.ceil(Math.max(wall - before, wall - after) / MINUTE_MS);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (wallOf(zone, middle * MINUTE_MS) >= wall) high = middle;
    else low = middle;
  }
  return high * MINUTE_MS;
};

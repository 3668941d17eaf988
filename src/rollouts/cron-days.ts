/**
 * Day matching for the cron tokens node-cron accepts (and so `config check` accepts): plain days,
 * `L`, `L-3`, `15W`, `LW` for the day of month; plain weekdays, `5L` (last Friday) and `1#2`
 * (second Monday) for the day of week. Both fields must match — node-cron's rule, kept so that a
 * window opens on the days a schedule with the same expression fires.
 */
type DayToken = number | string;

const lastDayOf = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();
const weekdayOf = (year: number, month: number, day: number): number => new Date(Date.UTC(year, month - 1, day)).getUTCDay();

/** `15W`: the weekday nearest the 15th, without leaving the month. */
const nearestWeekday = (year: number, month: number, target: number): number => {
  const last = lastDayOf(year, month);
  if (target < 1 || target > last) return -1;
  const weekday = weekdayOf(year, month, target);
  if (weekday === 6) return target === 1 ? 3 : target - 1;
  if (weekday === 0) return target === last ? target - 2 : target + 1;
  return target;
};

const dayOfMonthMatches = (token: DayToken, year: number, month: number, day: number): boolean => {
  if (typeof token === 'number') return token === day;
  const last = lastDayOf(year, month);
  if (token === 'L') return day === last;
  const weekday = /^(\d{1,2}|L)W$/.exec(token);
  if (weekday) return nearestWeekday(year, month, weekday[1] === 'L' ? last : Number(weekday[1])) === day;
  const offset = /^L-(\d{1,2})$/.exec(token);
  return offset !== null && last - Number(offset[1]) === day;
};

const dayOfWeekMatches = (token: DayToken, year: number, month: number, day: number, weekday: number): boolean => {
  if (typeof token === 'number') return token % 7 === weekday;
  const lastOf = /^([0-7])L$/i.exec(token);
  if (lastOf) return Number(lastOf[1]) % 7 === weekday && day + 7 > lastDayOf(year, month);
  const nth = /^([0-7])#([1-5])$/.exec(token);
  return nth !== null && Number(nth[1]) % 7 === weekday && Math.floor((day - 1) / 7) + 1 === Number(nth[2]);
};

/** A predicate over calendar days (month 1–12) for the day-of-month, month and day-of-week fields. */
export const dayMatcher = (daysOfMonth: DayToken[], months: number[], daysOfWeek: DayToken[]) => {
  const monthSet = new Set(months);
  return (year: number, month: number, day: number): boolean => {
    if (!monthSet.has(month)) return false;
    if (!daysOfMonth.some((token) => dayOfMonthMatches(token, year, month, day))) return false;
    const weekday = weekdayOf(year, month, day);
    return daysOfWeek.some((token) => dayOfWeekMatches(token, year, month, day, weekday));
  };
};

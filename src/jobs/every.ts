/**
 * A cron expression that fires exactly every `ms`, or null when cron cannot keep that period.
 * Schedules are cron so that every replica names the same firing instant (scheduler.ts), and cron
 * counts within the minute and the hour: a step of 45 in the seconds field fires at :00 and :45,
 * 45 s then 15 s apart. So only periods that divide a minute (whole seconds) or an hour (whole
 * minutes) are kept exactly.
 */
export const exactCron = (ms: number): string | null => {
  if (!Number.isInteger(ms) || ms <= 0 || ms % 1000 !== 0) return null;
  const seconds = ms / 1000;
  if (seconds < 60) return 60 % seconds === 0 ? `*/${seconds} * * * * *` : null;
  if (seconds % 60 !== 0) return null;
  const minutes = seconds / 60;
  if (minutes === 60) return '0 0 * * * *';
  return minutes < 60 && 60 % minutes === 0 ? `0 */${minutes} * * * *` : null;
};

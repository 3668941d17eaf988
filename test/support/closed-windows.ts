/**
 * The default windows open at fixed hours (weeknights 22:00–02:00 UTC, weekend from 02:00 on
 * Saturdays), so a test run at those hours would see an approved change start at once. This moves
 * both to twelve hours from now, one hour long: closed for the whole run, whatever the time of day.
 */
export const closedWindowsYaml = (now = new Date()): string => {
  const hour = (now.getUTCHours() + 12) % 24;
  const window = `{ cron: '0 ${hour} * * *', duration: 1h, timezone: UTC }`;
  return `windows:\n  weeknights: ${window}\n  weekend: ${window}\n`;
};

/**
 * Building blocks shared by the config sections: cron, timezone, names, secrets, paths. Each one
 * carries a message that says what to write instead, because these strings end up verbatim in
 * `patchbot config check` output.
 */
import cron from 'node-cron';
import { z } from 'zod';

import { Duration as DurationText } from '../changes/approval-policy-config.ts';
import { isRecord } from './raw-values.ts';

/** `4h` → 14400000 (ms). A bare number is refused: 4 what? */
export const Duration = z
  .string({ error: (issue) => (issue.input === undefined ? 'required; write a duration such as 4h' : 'write a duration with a unit: 90s, 30m, 4h, 7d, 2w') })
  .pipe(DurationText);

const cronIssue = (expr: string, allowed: number[]) => {
  const fields = expr.trim().split(/\s+/).filter(Boolean);
  if (!allowed.includes(fields.length)) {
    const want = allowed.includes(6) ? '5 (minute hour day-of-month month day-of-week), or 6 with a leading seconds field' : '5 (minute hour day-of-month month day-of-week)';
    return `"${expr}" has ${fields.length} field${fields.length === 1 ? '' : 's'}; write ${want}, e.g. "0 22 * * 1-5"`;
  }
  if (cron.validate(expr)) return null;
  const why = cron
    .validateDetailed(expr)
    .errors.map((error) => error.message)
    .join('; ');
  return `"${expr}" is not a valid cron expression${why ? ` (${why})` : ''}; e.g. "0 22 * * 1-5" is 22:00 Monday to Friday`;
};

/** Five fields for maintenance windows: node-cron's leading seconds field is never meant there. */
export const Cron = z.string().superRefine((expr, ctx) => {
  const message = cronIssue(expr, [5]);
  if (message) ctx.addIssue({ code: 'custom', message });
});

/** Schedules may also give seconds (a lab scanning every 30 s; the replica tests firing each second). */
export const ScheduleCron = z.string().superRefine((expr, ctx) => {
  const message = cronIssue(expr, [5, 6]);
  if (message) ctx.addIssue({ code: 'custom', message });
});

/** Intl is the authority on IANA names, so a name that works here also works for node-cron. */
export const isValidTimezone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const Timezone = z.string().refine(isValidTimezone, { error: (issue) => `"${String(issue.input)}" is not an IANA timezone; use a name like UTC, Europe/Berlin or America/New_York` });

/** Names of windows, groups, schedules: they appear in chat commands, so keep them typeable. */
export const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, dot, dash and underscore, starting with a letter or digit');

/** A secret value. The loader has already replaced `{ file: /path }` with the file's contents. */
export const Secret = z
  .string({ error: (issue) => (issue.input !== null && typeof issue.input === 'object' ? 'give the secret as a string or as { file: /path/to/secret }' : undefined) })
  .min(1, 'is empty; give the value or remove the key');

/** A filesystem path; the loader makes it absolute against the directory of the file that set it. */
export const FilePath = z.string().min(1, 'is empty; give a path');

export const IsoDateTime = z.iso.datetime({ offset: true, error: 'use an ISO 8601 date-time with an offset, e.g. 2024-12-24T00:00:00Z' });

export const HttpUrl = z.url({ protocol: /^https?$/, error: 'use an http(s) URL, e.g. https://example.service-now.com' });

/** Loopback hosts: the only ones where the console may run without a token (DESIGN §8). */
export const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);

/**
 * Cross-field rules run even when some field already failed (zod skips refinements otherwise), so
 * that one `config check` lists every problem. They see the raw value and must be defensive.
 */
export const evenWithIssues = { when: (payload: { value: unknown }) => isRecord(payload.value) };

export { isRecord, listOf, recordOf, textOf } from './raw-values.ts';

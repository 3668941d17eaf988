/**
 * When work may happen: `windows` (name → cron + duration + timezone), top-level `blackouts`
 * (absolute periods when nothing starts, whatever the window says) and `schedules` (what patchbot
 * does by itself). Blackouts sit beside windows rather than inside them so that every key under
 * `windows` is a window name and none is reserved except `now`.
 */
import { z } from 'zod';
import { PatchId } from '../discovery/patch.ts';
import { Cron, Duration, ScheduleCron, evenWithIssues, IsoDateTime, Name, Timezone, textOf } from './schema-common.ts';

/** `now` is the implicit window of emergency changes: start immediately, no waiting. */
export const NOW_WINDOW = 'now';

export const MaintenanceWindow = z.strictObject({
  /** When the window opens (5 fields, evaluated in `timezone`). */
  cron: Cron,
  /** How long it stays open; at its end a running change pauses until the next opening. */
  duration: Duration,
  timezone: Timezone.default('UTC'),
  /** How late after an opening work may still start (e.g. after a restart); absent: never late. */
  grace: Duration.optional(),
  description: z.string().optional(),
});
export type MaintenanceWindow = z.infer<typeof MaintenanceWindow>;

export const WindowsConfig = z.record(Name, MaintenanceWindow).superRefine((windows, ctx) => {
  if (NOW_WINDOW in windows) {
    ctx.addIssue({ code: 'custom', path: [NOW_WINDOW], message: '"now" is reserved (the implicit window of emergency changes: start immediately); rename this window' });
  }
}, evenWithIssues);
export type WindowsConfig = z.infer<typeof WindowsConfig>;

export const Blackout = z.strictObject({ name: Name, from: IsoDateTime, to: IsoDateTime, reason: z.string().optional() }).superRefine((blackout, ctx) => {
  const from = Date.parse(textOf(blackout.from) ?? '');
  const to = Date.parse(textOf(blackout.to) ?? '');
  if (from >= to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from; swap them or fix the dates' });
}, evenWithIssues);
export type Blackout = z.infer<typeof Blackout>;

/**
 * Which patches a recurring proposal picks up: `security` (any patch flagged security),
 * `critical` (severity critical), `important` (critical or important), `all`, or explicit ids.
 * A pre-approved schedule reads the weakest claim the hosts made about a patch's severity and
 * security, one a person approves the strongest (src/rollouts/run/schedule-selection.ts).
 */
export const PatchSelector = z.union([z.enum(['security', 'critical', 'important', 'all']), z.array(PatchId).min(1)], {
  error: 'use security, critical, important, all, or a list of patch ids (KB5034441, DSA-5600-1, RHSA-2024:1234, …)',
});
export type PatchSelector = z.infer<typeof PatchSelector>;

export const ProposalSchedule = z.strictObject({
  name: Name,
  cron: ScheduleCron,
  timezone: Timezone.default('UTC'),
  patches: PatchSelector,
  /** Group names, rings in order (pilot first). */
  targets: z.array(Name).min(1, 'name at least one group'),
  /** A window name from `windows` (or `now`). */
  window: Name,
  /**
   * Emergency changes are never scheduled: they are a person's call. `standard` is pre-approved
   * by default (its policy requires no vote), so it selects by the weakest claim the hosts made.
   */
  class: z.enum(['standard', 'normal']).default('normal'),
});
export type ProposalSchedule = z.infer<typeof ProposalSchedule>;

export const SchedulesConfig = z.strictObject({
  /** Inventory-wide scan, evaluated in UTC; null turns scheduled discovery off. */
  discovery: ScheduleCron.nullable().default('0 */6 * * *'),
  proposals: z.array(ProposalSchedule).default([]),
});
export type SchedulesConfig = z.infer<typeof SchedulesConfig>;

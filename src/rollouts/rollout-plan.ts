/**
 * The stored form of a wave plan: what `Change.plan` holds. JSON-safe (names, numbers,
 * milliseconds), so it survives the store and reads back through `RolloutPlan.parse` unchanged.
 * It is a snapshot: later config or inventory edits do not move a change already approved.
 */
import { z } from 'zod';
import { ChangeClass } from '../changes/change.ts';

export const PlannedSmoke = z.object({
  playbook: z.string().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])),
});
export type PlannedSmoke = z.infer<typeof PlannedSmoke>;

/** Where a wave's hosts came from: groups (the pilot group, a ring, a group wave) or a share. */
export const WaveSource = z.union([z.object({ groups: z.array(z.string()).min(1) }), z.object({ percent: z.number().gt(0).max(100) })]);
export type WaveSource = z.infer<typeof WaveSource>;

export const PlannedWave = z.object({
  name: z.string().min(1),
  pilot: z.boolean(),
  source: WaveSource,
  /** Host names; a batch runs at once and finishes before the next starts. Never empty. */
  batches: z.array(z.array(z.string().min(1)).min(1)).min(1),
  concurrency: z.number().int().min(1),
  /** Failures tolerated in this wave, as a count of hosts; one more halts the change. */
  failureBudget: z.number().int().min(0),
  soakMs: z.number().int().min(0),
  smoke: z.array(PlannedSmoke),
});
export type PlannedWave = z.infer<typeof PlannedWave>;

export const RolloutPlan = z
  .object({
    version: z.literal(1),
    class: ChangeClass,
    /** The change's target groups, rings in order. */
    targets: z.array(z.string()).min(1),
    spreadBy: z.string().nullable(),
    waves: z.array(PlannedWave).min(1),
    /** Why the plan differs from what the config alone suggests (fallback pilot, empty rings…). */
    notes: z.array(z.string()),
  })
  .superRefine((plan, ctx) => {
    const seen = new Set<string>();
    plan.waves.forEach((wave, w) =>
      wave.batches.forEach((batch, b) =>
        batch.forEach((host, h) => {
          if (seen.has(host)) ctx.addIssue({ code: 'custom', path: ['waves', w, 'batches', b, h], message: `host ${host} appears twice in the plan` });
          seen.add(host);
        }),
      ),
    );
  });
export type RolloutPlan = z.infer<typeof RolloutPlan>;

/** A wave's hosts in batch order. */
export const waveHosts = (wave: PlannedWave): string[] => wave.batches.flat();

/** Every host of the plan, in the order they run. */
export const planHosts = (plan: RolloutPlan): string[] => plan.waves.flatMap(waveHosts);

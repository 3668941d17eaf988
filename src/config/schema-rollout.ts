/**
 * `rollout`: how an approved change is cut into waves (DESIGN §3 "Waves"). The pilot goes first;
 * then the `waves` listed here, or one wave per target ring when none are. Every wave has a
 * concurrency (hosts per batch), a failure budget, a soak time and smoke checks, from `defaults`
 * unless the wave (or the pilot) sets its own. Durations come out as milliseconds.
 *
 * Group names here are checked against the inventory when a plan is made (src/rollouts/plan.ts),
 * with the closest names suggested, since groups can also come from an inventory file.
 */
import { z } from 'zod';
import { Duration, evenWithIssues, listOf, Name, recordOf } from './schema-common.ts';

const COUNT_OR_SHARE = 'write a number of failures (0, 1, 2…) or a share of the wave such as "10%"';

/** Failures a wave tolerates; one more halts the change. A share is of the wave's hosts, rounded down. */
export const FailureBudget = z
  .union([z.number().int(COUNT_OR_SHARE).min(0, COUNT_OR_SHARE), z.string().regex(/^(100|[1-9]?\d)(\.\d+)?%$/, COUNT_OR_SHARE)], { error: COUNT_OR_SHARE })
  .transform((budget): { count: number } | { percent: number } => (typeof budget === 'number' ? { count: budget } : { percent: Number(budget.slice(0, -1)) }));
export type FailureBudget = z.infer<typeof FailureBudget>;

type ParamValue = string | number | boolean | string[];
const isParamValue = (value: unknown): value is ParamValue =>
  ['string', 'number', 'boolean'].includes(typeof value) || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
// A refinement, not a union: its issue does not abort the enclosing union below, so the message
// lands on the parameter's own path instead of on the whole smoke entry.
const ParamValue = z.unknown().refine(isParamValue, { error: 'a playbook parameter is text, a number, true/false or a list of text' });

/** A smoke playbook run on each host of the wave after it is patched: `smoke-systemd` or `{ playbook, params }`. */
export const SmokeCheck = z
  .union([Name, z.strictObject({ playbook: Name, params: z.record(z.string(), ParamValue).default({}) })], {
    error: 'write a playbook name (smoke-systemd) or { playbook: smoke-http, params: { url: … } }',
  })
  .transform((check) => (typeof check === 'string' ? { playbook: check, params: {} } : check));
export type SmokeCheck = z.infer<typeof SmokeCheck>;

const Concurrency = z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000);

/** What a wave (or the pilot) may set for itself; unset keys come from `defaults`. */
const waveSettings = {
  concurrency: Concurrency.optional(),
  failureBudget: FailureBudget.optional(),
  soak: Duration.optional(),
  smoke: z.array(SmokeCheck).optional(),
};

export const WaveDefaults = z.strictObject({
  /** Hosts per batch; a batch finishes before the next starts. */
  concurrency: Concurrency.default(5),
  failureBudget: FailureBudget.prefault(1),
  /** Watch time after the wave before the next one starts. */
  soak: Duration.prefault('15m'),
  smoke: z.array(SmokeCheck).default([]),
});
export type WaveDefaults = z.infer<typeof WaveDefaults>;

export const PilotConfig = z.strictObject({
  /** The group that mirrors production; null (or none of its hosts targeted): the first target ring. */
  group: Name.nullable().default(null),
  /** Hosts carved out as the pilot when the only target ring would otherwise be the pilot whole. */
  size: z.number().int('must be a whole number').min(1, 'must be at least 1').default(1),
  ...waveSettings,
  soak: Duration.prefault('30m'),
  /** A pilot is a test: by default its first failure halts the change. */
  failureBudget: FailureBudget.prefault(0),
});
export type PilotConfig = z.infer<typeof PilotConfig>;

/** A wave after the pilot: the remaining hosts of some groups, or a share of the hosts left. */
export const WaveSpec = z
  .strictObject({
    name: Name.optional(),
    groups: z.array(Name).min(1, 'name at least one group').optional(),
    percent: z.number().gt(0, 'must be more than 0').max(100, 'must be at most 100').optional(),
    ...waveSettings,
  })
  .superRefine((wave, ctx) => {
    const fields = recordOf(wave);
    if ((fields.groups === undefined) === (fields.percent === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give either groups: [names] or percent: n (a share of the hosts after the pilot and the group waves)' });
    }
  }, evenWithIssues);
export type WaveSpec = z.infer<typeof WaveSpec>;

export const RolloutConfig = z
  .strictObject({
    pilot: PilotConfig.prefault({}),
    /** Empty: one wave per target ring after the pilot, in the order the change names them. */
    waves: z.array(WaveSpec).default([]),
    defaults: WaveDefaults.prefault({}),
    /** A host tag (cluster, ha-pair): hosts sharing its value never run in one batch. */
    spreadBy: z.string().min(1, 'is empty; give a tag name or null').nullable().default(null),
    emergency: z.strictObject({ soak: Duration.prefault('5m') }).prefault({}),
  })
  .superRefine((rollout, ctx) => {
    // A wave that also names groups is already reported; its percent would only add noise here.
    const percents = listOf(recordOf(rollout).waves)
      .map(recordOf)
      .filter((wave) => wave.groups === undefined)
      .map((wave) => wave.percent)
      .filter((p): p is number => typeof p === 'number');
    const total = percents.reduce((sum, p) => sum + p, 0);
    if (percents.length > 0 && Math.abs(total - 100) > 1e-9) {
      ctx.addIssue({
        code: 'custom',
        path: ['waves'],
        message: `the percent waves add up to ${total}%; make them add up to 100 (they share the hosts left after the pilot and any group waves)`,
      });
    }
  }, evenWithIssues);
export type RolloutConfig = z.infer<typeof RolloutConfig>;

import { z } from 'zod';
import { OsFamily } from '../inventory/host.ts';

/** Step timeouts: `30m` → 1800000 ms. A bare number is refused (30 what?). */
export const StepDuration = z
  .string({ error: 'write a duration such as 30m' })
  .regex(/^[1-9]\d*(ms|s|m|h)$/, 'write a duration such as 30m')
  .transform((text) => {
    const [, amount, unit] = /^(\d+)(ms|s|m|h)$/.exec(text)!;
    return Number(amount) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit as 'ms'];
  })
  // A step that may run for more than a day is a missing timeout in disguise.
  .refine((ms) => ms <= 24 * 3_600_000, 'must be at most 24h');

/** Every step has a timeout (DESIGN §4); this is the one it gets when it names none. */
export const DEFAULT_STEP_TIMEOUT = '10m';
/** A reboot covers shutdown, firmware, boot and (on Windows) update servicing, so it gets longer. */
export const DEFAULT_REBOOT_TIMEOUT = '20m';

export const When = z.strictObject({ os: z.array(OsFamily).min(1, 'list at least one os') });
export type When = z.infer<typeof When>;

const runFields = {
  run: z.string({ error: 'give the command to run' }).trim().min(1, 'give the command to run'),
  timeout: StepDuration.prefault(DEFAULT_STEP_TIMEOUT),
  /** Re-runs after a non-zero exit or a timeout; the step must therefore be safe to repeat. */
  retries: z.int().min(0).max(10, 'at most 10').default(0),
  when: When.optional(),
};

export const RunStep = z
  .strictObject({ name: z.string({ error: 'give the step a name' }).trim().min(1, 'give the step a name'), ...runFields })
  .transform(({ timeout, ...rest }) => ({ kind: 'run' as const, ...rest, timeoutMs: timeout }));
export type RunStep = z.infer<typeof RunStep>;

export const RebootMode = z.enum(['always', 'if-required'], { error: 'write always or if-required' });
export type RebootMode = z.infer<typeof RebootMode>;

export const RebootStep = z
  .strictObject({
    reboot: RebootMode,
    name: z.string().trim().min(1).optional(),
    timeout: StepDuration.prefault(DEFAULT_REBOOT_TIMEOUT),
    when: When.optional(),
  })
  .transform(({ reboot, name, timeout, when }) => ({
    kind: 'reboot' as const,
    name: name ?? (reboot === 'always' ? 'reboot' : 'reboot if required'),
    mode: reboot,
    timeoutMs: timeout,
    ...(when ? { when } : {}),
  }));
export type RebootStep = z.infer<typeof RebootStep>;

/**
 * Parses with `schema`; on failure reports its issues (paths relative to here) and keeps the raw
 * value, so the playbook-wide rules (placeholders, when.os) still see this step's `run` text and
 * one validation lists every problem.
 */
const keepingRaw = <T>(choose: (value: unknown) => z.ZodType<T>) =>
  z.unknown().transform((value, ctx): T => {
    const parsed = choose(value).safeParse(value);
    if (parsed.success) return parsed.data;
    // The raw input is left out: it is the whole step, and the issue's path already says where.
    for (const { input: _input, ...issue } of parsed.error.issues) ctx.addIssue(issue);
    return value as T;
  });

/**
 * A step is a command or a reboot. The union's error would only say "invalid input", so the
 * branch is chosen by shape first (a `reboot` key makes a reboot step), and its errors are the
 * ones reported, with their field paths.
 */
export const Step = keepingRaw<RunStep | RebootStep>((value) => (isObject(value) && 'reboot' in value ? RebootStep : RunStep));
export type Step = RunStep | RebootStep;

/** Smoke checks: commands that prove the host works; a name is optional (the command names it). */
const SmokeShape = z
  .strictObject({ name: z.string().trim().min(1).optional(), ...runFields })
  .transform(({ timeout, name, ...rest }) => ({ kind: 'run' as const, name: name ?? shorten(rest.run), ...rest, timeoutMs: timeout }));
export type SmokeCheck = z.infer<typeof SmokeShape>;
export const SmokeCheck = keepingRaw<SmokeCheck>(() => SmokeShape);

const shorten = (run: string): string => {
  const line = run
    .split('\n')
    .find((l) => l.trim() !== '')!
    .trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

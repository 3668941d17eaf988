import { z } from 'zod';
import { OsFamily } from '../inventory/host.ts';
import { checkPlaybookText } from './playbook-rules.ts';
import { ParamName, ParamSpec } from './playbook-params.ts';
import { SmokeCheck, Step } from './playbook-steps.ts';

export { isRequired, ParamSpec } from './playbook-params.ts';
export type { RebootMode, RebootStep, RunStep, SmokeCheck, Step, When } from './playbook-steps.ts';

/**
 * The playbook format (DESIGN §4). `kind` may be written; when it is not, it comes from the name:
 * scan-*, apply-*, rollback-*, smoke-*, or `reboot` / reboot-*. A custom folder can therefore use
 * any name as long as it says what the playbook is.
 */
export const PlaybookKind = z.enum(['scan', 'apply', 'rollback', 'reboot', 'smoke'], { error: 'write scan, apply, rollback, reboot or smoke' });
export type PlaybookKind = z.infer<typeof PlaybookKind>;

export const ScanParserName = z.enum(['apt', 'dnf', 'windows'], { error: 'write apt, dnf or windows' });
export type ScanParserName = z.infer<typeof ScanParserName>;

export const PlaybookName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes (it is also the file name)');

export const kindFromName = (name: string): PlaybookKind | null => {
  const m = /^(scan|apply|rollback|reboot|smoke)(-|$)/.exec(name);
  return m ? (m[1] as PlaybookKind) : null;
};

/** Scans and smoke checks only look; they run even under execution.dryRun. */
export const READ_ONLY_KINDS: readonly PlaybookKind[] = ['scan', 'smoke'];

export const Playbook = z
  .strictObject({
    name: PlaybookName,
    description: z.string({ error: 'say what the playbook does' }).trim().min(1, 'say what the playbook does'),
    kind: PlaybookKind.optional(),
    os: z.array(OsFamily).min(1, 'list the os families it runs on'),
    /**
     * Scans and smoke checks change nothing on a host, so they still run under dry run; apply,
     * rollback and reboot playbooks are only printed then. Defaults from the kind.
     */
    readOnly: z.boolean().optional(),
    params: z.record(ParamName, ParamSpec).default({}),
    steps: z.array(Step).min(1, 'give at least one step'),
    smoke: z.array(SmokeCheck).default([]),
    /** Steps that undo `steps`, or the name of a rollback playbook that does. */
    rollback: z.union([z.array(Step).min(1, 'give at least one step'), PlaybookName]).optional(),
    /** Which parser in src/discovery/parsers reads a scan's output. */
    parser: ScanParserName.optional(),
  })
  .superRefine((raw, ctx) => checkPlaybookText(raw, ctx), { when: (payload) => isObject(payload.value) })
  .transform(({ kind, readOnly, ...rest }) => {
    const resolved = kind ?? kindFromName(rest.name)!;
    return { ...rest, kind: resolved, readOnly: readOnly ?? READ_ONLY_KINDS.includes(resolved) };
  });
export type Playbook = z.infer<typeof Playbook>;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

import { CMD_EXE_LIMIT, encodePowerShell } from './quote.ts';
import { type Dialect, scanTemplate } from './template.ts';

/**
 * Rules across fields of one playbook. They run even when some field already failed (zod would
 * skip them otherwise), so one `playbook validate` lists every problem; they therefore read the
 * value defensively: any field may still be the raw YAML.
 */

/** The part of zod's refinement context these rules use. */
interface Ctx {
  addIssue(issue: { code: 'custom'; path: Path; message: string }): void;
}
type Path = (string | number)[];

const KINDS = ['scan', 'apply', 'rollback', 'reboot', 'smoke'];
const WRITE_KINDS = ['apply', 'rollback', 'reboot'];

export function checkPlaybookText(value: unknown, ctx: Ctx): void {
  const raw = record(value);
  const issue = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path, message });
  const name = typeof raw.name === 'string' ? raw.name : '';
  const named = /^(scan|apply|rollback|reboot|smoke)(-|$)/.exec(name)?.[1];
  const kind = typeof raw.kind === 'string' ? raw.kind : named;
  if (raw.kind === undefined && !named && name) issue(['kind'], `the name ${name} does not say what the playbook is (scan-, apply-, rollback-, smoke-, reboot); set kind`);
  if (typeof raw.kind === 'string' && named && raw.kind !== named) issue(['kind'], `is ${raw.kind} but the name says ${named}`);
  const readOnly = raw.readOnly === true || (raw.readOnly === undefined && (kind === 'scan' || kind === 'smoke'));
  if (raw.readOnly === true && kind && WRITE_KINDS.includes(kind)) issue(['readOnly'], `a ${kind} playbook changes the host; it cannot be readOnly`);
  if (kind === 'scan' && raw.parser === undefined) issue(['parser'], 'a scan names the parser that reads its output: apt, dnf or windows');
  if (kind && KINDS.includes(kind) && kind !== 'scan' && raw.parser !== undefined) issue(['parser'], 'only scan playbooks have a parser');
  if (raw.rollback !== undefined && kind && kind !== 'apply') issue(['rollback'], 'only apply playbooks have rollback steps');

  const os = Array.isArray(raw.os) ? raw.os.filter((o): o is string => typeof o === 'string') : [];
  const windows = os.includes('windows');
  const runs = commands(raw);
  if (windows && os.length > 1 && runs.length > 0) {
    issue(['os'], 'a playbook runs either PowerShell (windows) or sh (everything else); split it into one playbook per shell');
  }
  const dialect: Dialect = windows && os.length === 1 ? 'powershell' : 'sh';
  const declared = new Set(Object.keys(record(raw.params)));
  for (const { path, run } of runs) {
    const scan = scanTemplate(run, dialect);
    for (const problem of scan.problems) issue([...path, 'run'], problem);
    for (const p of scan.placeholders) {
      if (!declared.has(p.name))
        issue([...path, 'run'], `{{${p.name}}} names no declared parameter${declared.size ? ` (declared: ${[...declared].join(', ')})` : '; declare it under params'}`);
    }
    if (dialect === 'powershell' && encodePowerShell(run).length > CMD_EXE_LIMIT) {
      issue([...path, 'run'], `is too long for one Windows command line once encoded (${encodePowerShell(run).length} of ${CMD_EXE_LIMIT} characters); split it into steps`);
    }
  }
  for (const { path, step } of allSteps(raw)) {
    const when = record(step.when);
    if (Array.isArray(when.os)) {
      for (const [i, o] of when.os.entries()) if (typeof o === 'string' && os.length && !os.includes(o)) issue([...path, 'when', 'os', i], `${o} is not in the playbook's os list`);
    }
    const reboot = step.kind === 'reboot' || 'reboot' in step;
    if (reboot && readOnly && path[0] === 'steps') issue(path, 'a read-only playbook cannot reboot the host');
  }
}

function allSteps(raw: Record<string, unknown>): { path: Path; step: Record<string, unknown> }[] {
  const lists: [string, unknown][] = [
    ['steps', raw.steps],
    ['smoke', raw.smoke],
    ['rollback', raw.rollback],
  ];
  return lists.flatMap(([key, list]) => (Array.isArray(list) ? list.map((step, i) => ({ path: [key, i], step: record(step) })) : []));
}

function commands(raw: Record<string, unknown>): { path: Path; run: string }[] {
  return allSteps(raw).flatMap(({ path, step }) => (typeof step.run === 'string' ? [{ path, run: step.run }] : []));
}

const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

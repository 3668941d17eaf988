import type { OsFamily } from '../inventory/host.ts';
import { PlaybookParamError } from './errors.ts';
import { isRequired, type ParamSpec, type Playbook } from './playbook.ts';
import { CMD_EXE_LIMIT, encodePowerShell, psQuote, shQuote } from './quote.ts';
import { type Dialect, fillTemplate, scanTemplate } from './template.ts';

/**
 * Parameters are typed and pattern-checked, THEN quoted (DESIGN §4). Decisions:
 * - Every string and list parameter has an anchored pattern (the schema insists).
 * - Whatever the pattern says, a value is refused when it holds a control character (a newline
 *   ends a shell command), or starts with `-`: quoting does not stop `apt-get install
 *   '--allow-unauthenticated'` from reading an option.
 * - sh: each value (each list item) in POSIX single quotes; lists are space-separated words.
 * - Windows (PowerShell): values must also be printable ASCII — PowerShell reads typographic
 *   quotes as quotes and an en dash as a dash — and go in single quotes; a list renders as
 *   `'a','b'`, an array in PowerShell, so write `@({{kbs}})`. The whole script then travels
 *   -EncodedCommand, so cmd.exe never parses it.
 */

export type ParamValue = string | number | boolean | readonly string[];
export type ParamValues = Readonly<Record<string, ParamValue | undefined>>;

export const dialectFor = (os: OsFamily): Dialect => (os === 'windows' ? 'powershell' : 'sh');

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
};

/** Checks every value at once and returns each parameter rendered for the shell. */
export function renderParams(playbook: Pick<Playbook, 'name' | 'params'>, values: ParamValues, dialect: Dialect): Map<string, string> {
  const problems: string[] = [];
  const rendered = new Map<string, string>();
  for (const name of Object.keys(values)) {
    if (!(name in playbook.params) && values[name] !== undefined) {
      problems.push(`unknown parameter ${name} (${Object.keys(playbook.params).join(', ') || 'this playbook takes none'})`);
    }
  }
  for (const [name, spec] of Object.entries(playbook.params)) {
    const value = values[name] ?? spec.default;
    if (value === undefined) {
      if (isRequired(spec)) problems.push(`parameter ${name} is required${spec.description ? ` (${spec.description})` : ''}`);
      rendered.set(name, '');
      continue;
    }
    const result = renderValue(name, spec, value, dialect);
    if (typeof result === 'string') rendered.set(name, result);
    else problems.push(...result.problems);
  }
  if (problems.length) throw new PlaybookParamError(playbook.name, problems);
  return rendered;
}

function renderValue(name: string, spec: ParamSpec, value: ParamValue, dialect: Dialect): string | { problems: string[] } {
  const quote = dialect === 'sh' ? shQuote : psQuote;
  switch (spec.type) {
    case 'string': {
      if (typeof value !== 'string') return { problems: [`parameter ${name} must be a string, got ${show(value)}`] };
      const problem = textProblem(value, spec.pattern, dialect);
      return problem ? { problems: [`parameter ${name}: ${show(value)} ${problem}`] } : quote(value);
    }
    case 'list': {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return { problems: [`parameter ${name} must be a list of strings, got ${show(value)}`] };
      if (value.length === 0 && isRequired(spec)) return { problems: [`parameter ${name} needs at least one item`] };
      if (value.length > MAX_LIST_ITEMS) return { problems: [`parameter ${name} has ${value.length} items; at most ${MAX_LIST_ITEMS}`] };
      const problems = value.flatMap((item, i) => {
        const problem = textProblem(item, spec.item, dialect);
        return problem ? [`parameter ${name}: item ${i + 1} ${show(item)} ${problem}`] : [];
      });
      if (problems.length) return { problems };
      return value.map(quote).join(dialect === 'sh' ? ' ' : ',');
    }
    case 'int': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isSafeInteger(n)) return { problems: [`parameter ${name} must be a whole number, got ${show(value)}`] };
      if (spec.min !== undefined && n < spec.min) return { problems: [`parameter ${name} must be at least ${spec.min}, got ${n}`] };
      if (spec.max !== undefined && n > spec.max) return { problems: [`parameter ${name} must be at most ${spec.max}, got ${n}`] };
      return String(n);
    }
    case 'bool': {
      const b = value === true || value === 'true' ? true : value === false || value === 'false' ? false : null;
      if (b === null) return { problems: [`parameter ${name} must be true or false, got ${show(value)}`] };
      return dialect === 'sh' ? String(b) : b ? '$true' : '$false';
    }
  }
}

const MAX_VALUE_LENGTH = 1024;
const MAX_LIST_ITEMS = 1000;

/** C0 and C1 control characters and DEL: newline, carriage return, NUL, escape… */
const hasControlCharacter = (value: string): boolean =>
  [...value].some((c) => {
    const code = c.codePointAt(0)!;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });

/** Why a text value is refused, or null. The pattern is checked last: the fixed rules come first. */
function textProblem(value: string, pattern: string, dialect: Dialect): string | null {
  // A bound before the pattern runs: a playbook's regex is trusted, a megabyte of chat input is not.
  if (value.length > MAX_VALUE_LENGTH) return `is longer than ${MAX_VALUE_LENGTH} characters`;
  if (hasControlCharacter(value)) return 'contains a control character (such as a newline), which could end the command';
  if (value.startsWith('-')) return 'starts with "-", which the command would read as an option';
  if (dialect === 'powershell' && /[^\x20-\x7e]/.test(value)) return 'contains a character outside printable ASCII, which Windows parameters may not';
  if (!new RegExp(pattern).test(value)) return `does not match the pattern ${pattern}`;
  return null;
}

export interface RenderedCommand {
  /** The command with values filled in, as a human reads it (for Windows: the PowerShell script). */
  text: string;
  /** What the Executor runs: `text` for sh, the powershell.exe -EncodedCommand line for Windows. */
  command: string;
}

/**
 * One `run` text with its placeholders replaced. Throws when the text is malformed (the schema
 * refuses such playbooks; this guards hand-built ones) or names a parameter `params` lacks.
 */
export function renderCommand(playbook: string, run: string, params: ReadonlyMap<string, string>, dialect: Dialect): RenderedCommand {
  const scan = scanTemplate(run, dialect);
  const unknown = scan.placeholders.filter((p) => !params.has(p.name)).map((p) => `{{${p.name}}} names no declared parameter`);
  if (scan.problems.length || unknown.length) throw new PlaybookParamError(playbook, [...scan.problems, ...unknown]);
  const text = fillTemplate(run, scan.placeholders, params);
  if (dialect === 'sh') return { text, command: text };
  const command = encodePowerShell(text);
  if (command.length > CMD_EXE_LIMIT) {
    throw new PlaybookParamError(playbook, [`with these values the Windows command is ${command.length} characters, over cmd.exe's ${CMD_EXE_LIMIT}; pass fewer items`]);
  }
  return { text, command };
}

import { excerpt, ScanParseError } from './scan-result.ts';

/**
 * The contract between scan playbooks and parsers. A scan's stdout is a sequence of sections:
 *
 *   ### patchbot:<name>      a marker line: exactly this prefix, then [a-z0-9-]+, nothing else
 *   …body…                   what one command printed, verbatim
 *   ### patchbot:end         always last; without it the output counts as truncated
 *
 * - stdout must be UTF-8. A BOM (at the start or at the start of any line) and CRLF are accepted.
 * - Lines before the first marker (a login banner, `#< CLIXML` noise) and after `end` are ignored
 *   with a warning; a blank preamble is ignored silently.
 * - Each name appears once. Names a parser does not know are ignored with a warning, so a playbook
 *   may print extra sections for humans; a section a parser requires but that is absent is an error.
 * - Print a command's stderr to stderr, not into a section: a pipe buffers stdout in blocks, so
 *   `2>&1` can land an error message in the middle of a stdout line.
 * - The runner hands the parser all of stdout (up to MAX_OUTPUT_BYTES), not the capped tail kept
 *   for step logs: a lost head would read as missing sections.
 * Each parser lists its own sections at the top of its file.
 */

export const SECTION_MARKER = '### patchbot:';
export const END_SECTION = 'end';
/** Far beyond any real scan (a Debian host with 3,000 upgrades prints ~1 MB); refuses runaway output. */
export const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;
/** Lines of apt, dnf and os-release output are short; a longer one is noise, not a scan. */
export const MAX_TEXT_LINE = 4096;
/**
 * The whole output of a line-based scan (apt, dnf): the default scan line cap (50,000 lines,
 * execution.scanLimits) at ~160 characters a line, several times the ~1 MB of 3,000 upgrades.
 */
export const MAX_TEXT_OUTPUT = 8 * 1024 * 1024;
const NAME = /^[a-z0-9][a-z0-9-]*$/;

export interface Section {
  name: string;
  /** 1-based line number of the first body line in the whole output, for error messages. */
  firstLine: number;
  lines: string[];
}

export interface SectionSpec {
  /** How messages name the output: `apt` → "apt output line 14 …". */
  what: string;
  required: readonly string[];
  optional?: readonly string[];
  /** A longer line means garbage, not a scan (Windows passes a large value: its JSON is one line). */
  maxLineLength: number;
  /** The whole output, in characters: more means a runaway or hostile host, not a scan. */
  maxOutput: number;
}

export interface SplitOutput {
  sections: ReadonlyMap<string, Section>;
  warnings: string[];
}

/** Bytes to text, strictly: a scan that is not UTF-8 is refused rather than guessed at. */
export function decodeScanOutput(host: string, stdout: Buffer | string): string {
  if (stdout.length > MAX_OUTPUT_BYTES) {
    throw new ScanParseError(host, `scan output is ${stdout.length} bytes, more than the ${MAX_OUTPUT_BYTES} a scan can print`);
  }
  let text: string;
  if (typeof stdout === 'string') text = stdout;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(stdout);
    } catch {
      // Locate the first bad byte: everything before the first U+FFFD decoded cleanly.
      const loose = new TextDecoder('utf-8', { ignoreBOM: true }).decode(stdout);
      const before = loose.slice(0, Math.max(0, loose.indexOf('\uFFFD')));
      const line = before.split('\n').length;
      throw new ScanParseError(
        host,
        `scan output is not valid UTF-8 (first bad byte at offset ${Buffer.byteLength(before)}, line ${line})`,
        'The scan must print UTF-8; on Windows set [Console]::OutputEncoding = [Text.Encoding]::UTF8 before printing.',
      );
    }
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    throw new ScanParseError(host, `scan output contains a NUL byte (line ${text.slice(0, nul).split('\n').length}); it is binary, not a scan's text`);
  }
  return text;
}

export function splitSections(host: string, stdout: Buffer | string, spec: SectionSpec): SplitOutput {
  const text = decodeScanOutput(host, stdout);
  if (text.length > spec.maxOutput) {
    throw new ScanParseError(host, `${spec.what} scan output is ${text.length} characters long (longest accepted: ${spec.maxOutput}), too long for a real scan; it was not parsed`);
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.startsWith('\uFEFF')) line = line.slice(1);
    lines[i] = line;
  }
  if (lines.at(-1) === '') lines.pop();
  if (lines.every((l) => l.trim() === '')) {
    throw new ScanParseError(host, `scan output is empty; expected \`${SECTION_MARKER}…\` sections ending with \`${SECTION_MARKER}${END_SECTION}\``);
  }
  const sections = new Map<string, Section>();
  const warnings: string[] = [];
  const preamble: string[] = [];
  let current: Section | null = null;
  let endAt = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length > spec.maxLineLength) {
      throw new ScanParseError(host, `${spec.what} output line ${i + 1} is ${line.length} characters long (longest accepted: ${spec.maxLineLength}): ${excerpt(line)}`);
    }
    if (!line.startsWith(SECTION_MARKER)) {
      if (current) current.lines.push(line);
      else preamble.push(line);
      continue;
    }
    const name = line.slice(SECTION_MARKER.length).trimEnd();
    if (!NAME.test(name)) throw new ScanParseError(host, `${spec.what} output line ${i + 1} is a malformed section marker: ${excerpt(line)}`);
    if (sections.has(name)) throw new ScanParseError(host, `${spec.what} output has the section \`${name}\` twice (again at line ${i + 1})`);
    if (name === END_SECTION) {
      endAt = i;
      break;
    }
    current = { name, firstLine: i + 2, lines: [] };
    sections.set(name, current);
  }
  if (sections.size === 0 && endAt < 0) {
    throw new ScanParseError(host, `scan output has no \`${SECTION_MARKER}\` sections; it starts with ${excerpt(lines.find((l) => l.trim() !== '') ?? '')}`);
  }
  if (endAt < 0) {
    const last = current ? `${current.name}, ${current.lines.length} lines` : 'none';
    throw new ScanParseError(host, `scan output is truncated: no \`${SECTION_MARKER}${END_SECTION}\` line (last section: ${last})`);
  }
  if (preamble.some((l) => l.trim() !== '')) warnings.push(`ignored ${preamble.length} lines before the first section, starting ${excerpt(preamble.find((l) => l.trim() !== '')!)}`);
  const trailing = lines.slice(endAt + 1).filter((l) => l.trim() !== '');
  if (trailing.length) warnings.push(`ignored ${trailing.length} lines after \`${SECTION_MARKER}${END_SECTION}\``);
  const known = new Set([...spec.required, ...(spec.optional ?? [])]);
  for (const name of sections.keys()) if (!known.has(name)) warnings.push(`ignored the unknown section \`${name}\``);
  const missing = spec.required.filter((name) => !sections.has(name));
  if (missing.length) {
    const found = [...sections.keys()].join(', ') || 'none';
    throw new ScanParseError(host, `${spec.what} scan output has no ${missing.map((m) => `\`${SECTION_MARKER}${m}\``).join(', ')} section (found: ${found})`);
  }
  return { sections, warnings };
}

/** A required section (splitSections has checked that it exists). */
export function sectionOf(split: SplitOutput, name: string): Section {
  const found = split.sections.get(name);
  if (!found) throw new Error(`section ${name} was not declared required`);
  return found;
}

/** Builds scan output from bodies, in order, ending with `end`: for fixtures and fake hosts. */
export function formatSections(bodies: ReadonlyArray<readonly [name: string, body: string]>): string {
  const parts = bodies.map(([name, body]) => `${SECTION_MARKER}${name}\n${body}${body === '' || body.endsWith('\n') ? '' : '\n'}`);
  return `${parts.join('')}${SECTION_MARKER}${END_SECTION}\n`;
}

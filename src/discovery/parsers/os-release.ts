import type { Section } from './sections.ts';
import { excerpt, ScanParseError } from './scan-result.ts';

export interface OsRelease {
  /** PRETTY_NAME, else NAME VERSION_ID. */
  name: string;
  id: string;
  /** ID plus ID_LIKE, lowercased: `rocky` → [rocky, rhel, centos, fedora]. */
  family: string[];
}

const ASSIGNMENT = /^([A-Z][A-Z0-9_]*)=(.*)$/;

/** Parses the body of `cat /etc/os-release` (os-release(5): shell-style KEY=value, optionally quoted). */
export function parseOsRelease(host: string, section: Section): OsRelease {
  const fields = new Map<string, string>();
  for (const [i, raw] of section.lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = ASSIGNMENT.exec(line);
    if (!m) throw new ScanParseError(host, `os-release line ${section.firstLine + i} is not KEY=value: ${excerpt(raw)}`);
    fields.set(m[1]!, unquote(m[2]!));
  }
  const name = fields.get('PRETTY_NAME') || [fields.get('NAME'), fields.get('VERSION_ID')].filter(Boolean).join(' ');
  if (!name) throw new ScanParseError(host, 'the os-release section has neither PRETTY_NAME nor NAME');
  const id = (fields.get('ID') ?? '').toLowerCase();
  const like = (fields.get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return { name, id, family: [id, ...like].filter(Boolean) };
}

function unquote(value: string): string {
  const double = /^"((?:[^"\\]|\\.)*)"$/.exec(value);
  if (double) return double[1]!.replace(/\\(.)/g, '$1');
  return /^'([^']*)'$/.exec(value)?.[1] ?? value;
}

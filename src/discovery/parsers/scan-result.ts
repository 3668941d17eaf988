import type { OfferedUpdates } from '../offered-updates.ts';
import type { Severity } from '../patch.ts';
import { PatchbotError } from '../../shared/errors.ts';

/** One package a patch would change. Windows updates have none; an advisory usually has several. */
export interface PackageUpdate {
  name: string;
  /** `amd64`, `x86_64`, `noarch`…; null when the scan does not say. */
  arch: string | null;
  /** null for a new install, and on RHEL when the scan did not say (its optional `installed` section). */
  installed: string | null;
  candidate: string;
}

/** Something the host is missing, as one scan saw it. `id` always passes `PatchId` (patch.ts). */
export interface ParsedPatch {
  id: string;
  title: string;
  severity: Severity;
  security: boolean;
  cves: string[];
  rebootHint: boolean;
  packages: PackageUpdate[];
}

export interface ParsedScan {
  host: string;
  /** Human name of the OS as the host reports it: `Debian GNU/Linux 12 (bookworm)`. */
  os: string;
  patches: ParsedPatch[];
  /** Ids known to be installed (Windows KBs), so "is KB… installed?" has an answer. */
  installed: string[];
  /**
   * True when `installed` holds every KB the host has (a Windows scan with the Update Agent's
   * history, windows-installed.ts): a KB no longer offered and not in it was superseded, never
   * installed. Absent: the scan cannot show that (Linux, older Windows scans).
   */
  installedComplete?: true;
  /** The UpdateIDs of what a Windows scan offered, and what they supersede; absent for other scans and older Windows ones. */
  offered?: OfferedUpdates;
  /** null = the scan could not tell (say why in `warnings`). */
  rebootRequired: boolean | null;
  /** Things a human should know that did not make the scan unusable. */
  warnings: string[];
}

export type ScanParser = (host: string, stdout: Buffer | string) => ParsedScan;

/**
 * A scan output we cannot trust. Parsers throw this and nothing else: a garbled or truncated
 * output must never turn into "0 missing" (DESIGN §8), and callers record the host's scan as failed.
 */
export class ScanParseError extends PatchbotError {
  readonly host: string;
  readonly problem: string;
  constructor(host: string, problem: string, hint?: string) {
    super(
      'scan-unparseable',
      `${host}: ${problem}`,
      hint ?? `Rerun the scan of ${host}; if it fails again, run its scan playbook by hand and compare the output with the section contract in src/discovery/parsers/.`,
    );
    this.host = host;
    this.problem = problem;
  }
}

/**
 * A line as it appears in an error message: quoted (control bytes visible) and cut to 80 characters.
 * JSON.stringify escapes C0 but leaves DEL and C1 (U+009B is a one-character CSI) as they are.
 */
export const excerpt = (line: string, max = 80): string =>
  JSON.stringify(line.length > max ? `${line.slice(0, max)}…` : line).replace(/[\u007F-\u009F]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

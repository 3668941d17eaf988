/**
 * What a command or a question asks for, whichever words were used. The grammar (`/patch …`) and
 * the question matcher both produce these; the dispatcher routes them by `kind`.
 */

export type ControlVerb = 'pause' | 'resume' | 'cancel' | 'rollback';
export type ComplianceStandard = 'pci' | 'hipaa';

/** A change control: `pause CHG-7`, `rollback CHG-7 web-01 web-02` (hosts empty = all). */
export interface ControlIntent<K extends ControlVerb> {
  kind: K;
  change: string;
  hosts: string[];
}

export interface VoteIntent<K extends 'approve' | 'reject'> {
  kind: K;
  change: string;
  comment: string | null;
}

export type Intent =
  /** `topic` is a verb to explain; `note` is said first ("I understood none of that"). */
  | { kind: 'help'; topic: string | null; note: string | null }
  /** `target` (here and below) is a group or host name; null = the whole estate. */
  | { kind: 'scan'; target: string | null }
  /**
   * `page` (here and below): which page of the answer's lists, from 1 (`pending page 2`); absent = the first.
   * `filler` (here and below): a word a question put where the scope goes that usually means every
   * host ("pending in the *fleet*"), kept while `target` is null: the scope when a group or host has
   * that name (resolve-filler.ts), else every host.
   */
  | { kind: 'missing'; patch: string; target: string | null; page?: number; filler?: string }
  | { kind: 'status'; host: string; page?: number }
  | { kind: 'pending'; target: string | null; page?: number; filler?: string }
  | { kind: 'reboots'; target: string | null; page?: number; filler?: string }
  | { kind: 'compliance'; standard: ComplianceStandard | null; target: string | null; page?: number; filler?: string }
  | { kind: 'propose'; patches: string[]; groups: string[]; window: string | null; emergency: boolean }
  | { kind: 'changes'; page?: number }
  | { kind: 'show'; change: string; patches?: true }
  | VoteIntent<'approve'>
  | VoteIntent<'reject'>
  | ControlIntent<'pause'>
  | ControlIntent<'resume'>
  | ControlIntent<'cancel'>
  | ControlIntent<'rollback'>;

export type IntentKind = Intent['kind'];
export type IntentOf<K extends IntentKind> = Extract<Intent, { kind: K }>;

export const INTENT_KINDS = [
  'help',
  'scan',
  'missing',
  'status',
  'pending',
  'reboots',
  'compliance',
  'propose',
  'changes',
  'show',
  'approve',
  'reject',
  'pause',
  'resume',
  'cancel',
  'rollback',
] as const satisfies readonly IntentKind[];

/** Host, group and window names as the inventory allows them; anything else is refused early. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Advisory ids are upper-case (`kb5034441` → `KB5034441`); package patches keep their case. */
export const normalizePatchId = (token: string): string => (/^(kb|dsa|dla|usn|rh[sbe]a|alsa|rlsa|elsa|fedora)[-\d]/i.test(token) ? token.toUpperCase() : token);

/** `CHG-7`, `chg7`, `7` → `CHG-7`; null when it is not a change id. */
export const normalizeChangeId = (token: string): string | null => {
  const match = /^(?:chg-?)?(\d{1,9})$/i.exec(token);
  return match ? `CHG-${Number(match[1])}` : null;
};

/** A patch id token: an advisory, a KB, or `deb:pkg@version`; loose on purpose, the store decides. */
export const looksLikePatch = (token: string): boolean => /^(kb\d{4,}|(dsa|dla|usn)-\d+(-\d+)?|(rh[sbe]a|alsa|rlsa|elsa)-\d{4}:\d+|fedora-[\w:-]+|(deb|rpm):\S+@\S+)$/i.test(token);

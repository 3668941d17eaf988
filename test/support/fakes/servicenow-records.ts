import { randomBytes } from 'node:crypto';

/**
 * The ServiceNow fake's data: change_request records with the default state models enforced the
 * way the instance's business rules do, journal-style work notes, and sysapproval_approver rows.
 * Written from the reference (integrations.md §3.2–3.3), independently of the adapter's model.
 */
export interface JournalEntry {
  at: string;
  by: string;
  text: string;
}

export interface SnChange {
  sys_id: string;
  number: string;
  type: string;
  state: string;
  approval: string;
  /** Every other field as written (short_description, close_code, correlation_id...). */
  fields: Record<string, string>;
  /** Oldest first. */
  workNotes: JournalEntry[];
  /** sys_mod_count: how many times the record was updated (0 on insert, +1 per update). */
  modCount: number;
}

/** A sys_user record: `name` is what people see (and may be edited), `user_name` the login. */
export interface SnUser {
  sys_id: string;
  user_name: string;
  name: string;
}

/** Who a test names as an approver: a name alone gets a login derived from it ("CAB Manager" → cab.manager). */
export type SnUserSpec = string | { name: string; user_name: string };

export interface SnApprover {
  sys_id: string;
  sysapproval: string;
  /** The approver: a reference to sys_user. */
  approver: SnUser;
  state: 'requested' | 'approved' | 'rejected' | 'cancelled' | 'not_required';
}

const LABEL: Record<string, string> = { '-5': 'New', '-4': 'Assess', '-3': 'Authorize', '-2': 'Scheduled', '-1': 'Implement', '0': 'Review', '3': 'Closed', '4': 'Canceled' };
const APPROVAL_LABEL: Record<string, string> = { 'not requested': 'Not Yet Requested', requested: 'Requested', approved: 'Approved', rejected: 'Rejected' };

/** Allowed next states per type (Canceled is reachable from any open state). */
const NEXT: Record<string, Record<string, string>> = {
  normal: { '-5': '-4', '-4': '-3', '-3': '-2', '-2': '-1', '-1': '0', '0': '3' },
  emergency: { '-5': '-3', '-3': '-2', '-2': '-1', '-1': '0', '0': '3' },
  standard: { '-5': '-2', '-2': '-1', '-1': '0', '0': '3' },
};
const APPROVAL_STATES = new Set(['-4', '-3']);
const CLOSED = new Set(['3', '4']);

export const sysId = (): string => randomBytes(16).toString('hex');
export const stateLabel = (code: string): string => LABEL[code] ?? code;
export const approvalLabel = (value: string): string => APPROVAL_LABEL[value] ?? value;
const typeLabel = (type: string) => type.charAt(0).toUpperCase() + type.slice(1);
const timestamp = (at: Date) => at.toISOString().slice(0, 19).replace('T', ' ');

/** Why the state model refuses `from → to`, or null when the move is allowed. */
export const refusedMove = (change: SnChange, to: string, approvalAfter: string, closeAfter: { code?: string; notes?: string }): string | null => {
  const from = change.state;
  if (from === to) return null;
  if (CLOSED.has(from)) return `a ${stateLabel(from)} change cannot move to ${stateLabel(to)}`;
  if (to === '4') return null;
  const next = (NEXT[change.type] ?? NEXT.normal!)[from];
  if (next !== to) return `Invalid state transition from ${stateLabel(from)} to ${stateLabel(to)} (${change.type} change model)`;
  if (to === '-2' && APPROVAL_STATES.has(from) && approvalAfter !== 'approved') return `${change.number} cannot be scheduled before it is approved (approval is ${approvalAfter})`;
  if (to === '3' && (!closeAfter.code || !closeAfter.notes)) return 'Data Policy Exception: Close code and Close notes are mandatory to close a change';
  return null;
};

/**
 * change_request's dictionary `max_length` for the string fields patchbot writes: 160 for
 * short_description, and the platform's default for multi-line text, 4,000, for the others
 * (task's journal work_notes too). The platform does not enforce it through the API (KB0685779:
 * a column over 255 characters is mediumtext), but its forms, counters and lists are built on it.
 * So the fake stores a longer value whole, as the instance does, and reports it as a violation.
 */
export const MAX_LENGTH: Record<string, number> = {
  short_description: 160,
  description: 4_000,
  implementation_plan: 4_000,
  backout_plan: 4_000,
  test_plan: 4_000,
  close_notes: 4_000,
  work_notes: 4_000,
};

/** The fields of a write longer than their dictionary max_length, said as a test can read them. */
export const lengthViolations = (number: string, written: Record<string, unknown>): string[] =>
  Object.entries(written).flatMap(([field, value]) => {
    const max = MAX_LENGTH[field];
    return typeof value === 'string' && max !== undefined && value.length > max ? [`${number}.${field}: ${value.length} characters, over its max_length of ${max}`] : [];
  });

export const entersApproval = (change: SnChange, to: string): boolean => APPROVAL_STATES.has(to) && !APPROVAL_STATES.has(change.state);

/** What the instance stamps on every update of a record: who (a login) and when. */
export const touch = (change: SnChange, by: string, at = new Date()): void => {
  change.fields.sys_updated_by = by;
  change.fields.sys_updated_on = timestamp(at);
};

export const appendWorkNote = (change: SnChange, text: string, by: string, at = new Date()): void => {
  change.workNotes.push({ at: timestamp(at), by, text });
};

/** A field as the Table API shows it for sysparm_display_value false | true | all. */
export const fieldOf = (change: SnChange, name: string, display: string): unknown => {
  let value: string;
  let label: string;
  switch (name) {
    case 'sys_id':
    case 'number':
      value = label = change[name];
      break;
    case 'type':
      value = change.type;
      label = typeLabel(change.type);
      break;
    case 'state':
      value = change.state;
      label = stateLabel(change.state);
      break;
    case 'approval':
      value = change.approval;
      label = approvalLabel(change.approval);
      break;
    case 'sys_mod_count':
      value = label = String(change.modCount);
      break;
    case 'work_notes':
      // A journal: no value of its own; the display value is every entry, newest first.
      value = '';
      label = [...change.workNotes]
        .reverse()
        .map((e) => `${e.at} - ${e.by} (Work notes)\n${e.text}\n\n`)
        .join('');
      break;
    default:
      value = label = change.fields[name] ?? '';
  }
  if (display === 'all') return { display_value: label, value };
  return display === 'true' ? label : value;
};

export const ALL_FIELDS = ['sys_id', 'number', 'type', 'state', 'approval', 'short_description', 'correlation_id', 'close_code'];

/** A row as the Table API returns it: only `sysparm_fields` (or a default set), in the display mode asked. */
export const rowOf = (change: SnChange, fieldList: string | null, display: string): Record<string, unknown> => {
  const names = fieldList ? fieldList.split(',').map((f) => f.trim()) : ALL_FIELDS;
  return Object.fromEntries(names.map((name) => [name, fieldOf(change, name, display)]));
};

/** `sysparm_query` subset: `field=value`, `fieldINa,b`, `ORDERBY…` joined by ^; unknown fields are ignored as the instance does. */
export const matches = (change: SnChange, query: string | null): boolean => {
  if (!query) return true;
  return query.split('^').every((clause) => {
    if (clause.startsWith('ORDERBY') || clause === '') return true;
    const eq = /^([a-z_]+)=(.*)$/.exec(clause);
    const inList = /^([a-z_]+)IN(.*)$/.exec(clause);
    const [field, test] = eq ? [eq[1]!, (v: string) => v === eq[2]] : inList ? [inList[1]!, (v: string) => inList[2]!.split(',').includes(v)] : [null, null];
    if (!field || !test) return true;
    if (!(field in change) && !(field in change.fields) && !['correlation_id', 'correlation_display'].includes(field)) return true;
    return test(String(fieldOf(change, field, 'false')));
  });
};

/**
 * A sysapproval_approver row as the Table API answers it: only `sysparm_fields` (all when
 * absent), a dot-walked `approver.<field>` read from the sys_user record, and with
 * sysparm_display_value=all every field as {value, display_value} (a reference adds its link).
 */
export const approverRow = (a: SnApprover, fieldList: string | null, mode: string, baseUrl: string): Record<string, unknown> => {
  const fields: Record<string, [string, string, string?]> = {
    sys_id: [a.sys_id, a.sys_id],
    approver: [a.approver.sys_id, a.approver.name, `${baseUrl}/api/now/table/sys_user/${a.approver.sys_id}`],
    'approver.user_name': [a.approver.user_name, a.approver.user_name],
    'approver.name': [a.approver.name, a.approver.name],
    state: [a.state, a.state.replace(/^./, (c) => c.toUpperCase())],
  };
  const wanted = fieldList?.split(',') ?? ['sys_id', 'approver', 'state'];
  return Object.fromEntries(
    wanted.flatMap((name) => {
      const field = fields[name];
      if (!field) return [];
      const [value, label, link] = field;
      return [[name, mode === 'all' ? { display_value: label, ...(link ? { link } : {}), value } : mode === 'true' ? label : value]];
    }),
  );
};

import type { ChangeClass } from '../changes/change.ts';

/**
 * The Ticketing port: the change ticket in the organisation's ITSM, in patchbot's words. Adapters:
 * `none` (patchbot's own change record is the ticket), adapters/servicenow, adapters/jira. Every
 * call may reject with TicketingError; `open` and `record` are safe to repeat (the outbox retries
 * them), so a retried call never creates a second ticket or writes a note twice.
 */
export type TicketSystem = 'none' | 'servicenow' | 'jira';

/** What patchbot keeps about a ticket (the store's TicketLink holds the same three facts). */
export interface TicketRef {
  system: TicketSystem;
  /** The number people quote: CHG0030001, OPS-12, or the change id itself for `none`. */
  key: string;
  /** A link for the approval card and answers about the change; null when there is none. */
  url: string | null;
}

export interface HostGroup {
  group: string;
  hosts: string[];
}

export type TicketRisk = 'low' | 'moderate' | 'high';
export type TicketImpact = 'low' | 'medium' | 'high';

/** Everything a change ticket says when it is opened at proposal time. */
export interface TicketDraft {
  changeId: string;
  changeClass: ChangeClass;
  title: string;
  description: string;
  /** Target hosts by group (ring), in wave order. */
  hosts: HostGroup[];
  /** From the maintenance window (or the end of the blackout an immediate start waits for); null when it starts "now" or has no window. */
  plannedStart: Date | null;
  plannedEnd: Date | null;
  /** When it runs in words, as the approval card says it ("window weeknights: next opens …", "Immediate start requested by alice: …"). */
  when?: string;
  /** The playbook steps, one line each. */
  implementationPlan: string[];
  /** The playbook's rollback steps. */
  backoutPlan: string[];
  /** The smoke checks. */
  testPlan: string[];
  risk: TicketRisk;
  impact: TicketImpact;
  /** True when approval.source is itsm or both: the ticket is sent for approval in the ITSM itself. */
  approvalInItsm: boolean;
}

type EventBody =
  | { kind: 'approved'; approvers: string[] }
  /** `dryRun`: `ok` hosts would have been patched; nothing ran (absent on events queued before it existed). */
  | { kind: 'wave'; wave: number; of: number; ok: number; failed: number; skipped: number; dryRun?: boolean }
  | { kind: 'halted'; reason: string }
  /**
   * `postReview` leaves the ticket in review for the post-implementation review (emergency changes).
   * `dryRun`: no host was changed, some only printed their commands (execution.dryRun): nothing
   * was implemented, so the ticket is cancelled, not closed successful (absent on events queued before it existed).
   */
  | { kind: 'completed'; outcome: 'successful' | 'unsuccessful'; summary: string; postReview: boolean; dryRun?: boolean }
  | { kind: 'rolled-back'; summary: string }
  | { kind: 'cancelled'; by: string; reason: string | null }
  | { kind: 'expired' }
  | { kind: 'rejected'; by: string[]; reason: string | null }
  | { kind: 'note'; text: string };

/**
 * One thing that happened to the change. `id` is stable across retries (the outbox entry's id): the
 * adapters stamp it on the note they write and skip an event whose stamp is already there.
 */
export type TicketEvent = EventBody & { id: string };
export type TicketEventKind = TicketEvent['kind'];

export type ApprovalState = 'not-requested' | 'requested' | 'approved' | 'rejected';

/**
 * Who an approver is, as the ITSM vouches for it: what an administrator assigns, never what the
 * user may edit. patchbot maps approvers to people by these alone (src/tickets/itsm-people.ts).
 */
export interface ApproverIdentity {
  /** Jira: accountId (Cloud) or username (Data Center); ServiceNow: sys_user user_name. Null when the ITSM did not say. */
  id: string | null;
  /** An e-mail address the ITSM verified (Atlassian accounts on Jira Cloud); null otherwise. */
  verifiedEmail: string | null;
}

export interface ApprovalDecision {
  /** The approver's display name: for messages and the audit log only, never to tell who it is. */
  approver: string;
  identity: ApproverIdentity;
  decision: 'requested' | 'approved' | 'rejected';
}

/**
 * The ticket found finished in the ITSM (ServiceNow Closed or Canceled; a Jira status in the Done
 * category). Only what the ITSM records: who last changed it and when, as it says them.
 */
export interface TicketEnded {
  /** `rejected` when the ITSM says the change was declined or rejected; any other end is `cancelled`. */
  outcome: 'cancelled' | 'rejected';
  /** The state in the ITSM's words, with the close code or resolution when it has one ("Closed (unsuccessful)", "Declined"). */
  state: string;
  /** ServiceNow: `sys_updated_by` (a login); Jira: the author of the status change (display name and account id). Null when the ITSM does not say. */
  by: string | null;
  /** When, as the ITSM stamps it; null when it does not say. */
  at: string | null;
  /** `by`/`at` are the record's last update, not proven to be the one that ended it (ServiceNow keeps no more without audit access). */
  lastUpdate?: true;
}

/** The approval recorded in the ITSM, for `approval.source: itsm | both` and for reconciliation. */
export interface TicketApproval {
  state: ApprovalState;
  decisions: ApprovalDecision[];
  /** Set when the ticket itself is finished: no approval can come from it any more. */
  ended?: TicketEnded;
}

export interface RecordResult {
  /** The ticket's state after the event, in the ITSM's words ("Scheduled", "Implementing"); null for none. */
  state: string | null;
  /** True when the event was already on the ticket (a retry after a lost response) and nothing was written. */
  skipped: boolean;
  /**
   * Set when the ticket was found closed, cancelled or otherwise finished though patchbot had not
   * finished it (someone did, in the ITSM) and the event does not end the change either: the
   * note went on, nothing moved, and the change's thread should hear it.
   */
  closedOutside?: true;
}

export interface RecordContext {
  /** The ticket's state as patchbot last left it (RecordResult.state); null before its first update. */
  lastState: string | null;
}

export interface OpenContext {
  /**
   * An earlier attempt to open this ticket failed, so it may have created the ticket and lost the
   * answer: the adapter must look for it in a way that cannot miss a ticket created moments ago.
   */
  retry: boolean;
}

/** The ticket `open` answers: the oldest one the ITSM holds for the change. */
export interface OpenedTicket extends TicketRef {
  /** Other tickets the ITSM holds for the same change (a create repeated after a lost answer); left alone. */
  duplicates?: string[];
}

/** What the ITSM allows, as read at startup (`config check --connect` prints these lines). */
export interface ItsmFacts {
  lines: string[];
}

export interface Ticketing {
  readonly kind: TicketSystem;
  /**
   * Reads what the instance allows (field options, the request type, the change API) and checks
   * the configuration against it. Throws a `rejected` TicketingError naming the field and the
   * values allowed when a mapping cannot be satisfied, so that a bad mapping stops startup rather
   * than every proposal. Absent: nothing to read.
   */
  prepare?(): Promise<ItsmFacts>;
  /** Opens the ticket for a proposed change, or returns the one already opened for this change id. */
  open(draft: TicketDraft, context?: OpenContext): Promise<OpenedTicket>;
  /** The ticket opened for a change id, if any. */
  find(changeId: string): Promise<TicketRef | null>;
  /** Moves the ticket to the state the event implies and adds a work note / comment saying what happened. */
  record(ref: TicketRef, event: TicketEvent, context?: RecordContext): Promise<RecordResult>;
  /** The approval as the ITSM records it. */
  approvalOf(ref: TicketRef): Promise<TicketApproval>;
}

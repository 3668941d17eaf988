import type { Person } from '../people/person.ts';
import type { ApprovalDecision, TicketSystem } from './ticketing.ts';

/**
 * ITSM approvers as patchbot people. Only what the ITSM vouches for identifies an approver: the
 * account id an administrator assigned (people[].jira, people[].servicenow) or, where the ITSM
 * verified it, the e-mail address. Never the display name: every Jira Cloud user can rename
 * themselves, and a requester called "Alice Liddell" in Jira is not `alice` by name.
 */
export type ItsmIdKey = 'jira' | 'servicenow';

/** The people[] key holding a person's account id in `system`; null for `none`. */
export const itsmIdKey = (system: TicketSystem): ItsmIdKey | null => (system === 'jira' || system === 'servicenow' ? system : null);

export const itsmIdOf = (person: Person | undefined, system: TicketSystem): string | undefined => {
  const key = itsmIdKey(system);
  return key && person ? person[key] : undefined;
};

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The person an approver is: the one whose configured id is the approver's, or, for someone with
 * no id configured, whose e-mail the ITSM verified. An approver matching neither is nobody.
 */
export const personOfApprover = (people: readonly Person[], system: TicketSystem, decision: ApprovalDecision): Person | undefined => {
  const { id, verifiedEmail } = decision.identity;
  const byId = id === null ? undefined : people.find((p) => itsmIdOf(p, system) === id);
  if (byId) return byId;
  if (verifiedEmail === null) return undefined;
  // An explicit id wins over the address: a person whose id is set is that account and no other.
  return people.find((p) => itsmIdOf(p, system) === undefined && p.email !== undefined && sameEmail(p.email, verifiedEmail));
};

/** Whether an ITSM approval shows that someone other than the requester approved. */
export type Separation =
  | { kind: 'proven' }
  | { kind: 'requester-only' }
  /** patchbot cannot tell: `why` says so, `fix` what to configure. */
  | { kind: 'unprovable'; why: string; fix: string };

/**
 * Separation of duties for an approval decided in the ITSM. The ITSM cannot enforce it: patchbot's
 * service account opened the ticket, so to the ITSM the requester is patchbot. It holds only when
 * an approver who approved has an account id that is not the requester's configured one.
 */
export const separationOf = (people: readonly Person[], system: TicketSystem, requester: string, approved: readonly ApprovalDecision[], label: string): Separation => {
  const key = itsmIdKey(system) ?? 'jira';
  const requesterId = itsmIdOf(
    people.find((p) => p.name === requester),
    system,
  );
  if (requesterId === undefined) {
    return {
      kind: 'unprovable',
      why: `${requester} (the requester) has no ${label} account id configured, so patchbot cannot tell whether someone other than the requester approved it`,
      fix: `set people[].${key} for ${requester} (${key === 'jira' ? 'their Jira accountId, or username on Data Center' : 'their ServiceNow user_name'}) and restart patchbot`,
    };
  }
  const ids = approved.map((d) => d.identity.id);
  if (ids.some((id) => id !== null && id !== requesterId)) return { kind: 'proven' };
  if (ids.length > 0 && ids.every((id) => id === requesterId)) return { kind: 'requester-only' };
  return {
    kind: 'unprovable',
    why:
      ids.length === 0
        ? `${label} records no approver, so nobody is known to have approved it other than the requester`
        : `${label} did not say which account approved it, so patchbot cannot tell the approver from the requester`,
    fix:
      key === 'servicenow'
        ? 'let the integration user read sys_user.user_name of the approvers (sysapproval_approver.approver.user_name)'
        : 'let the integration account see the approvers of the request (Browse users and groups)',
  };
};

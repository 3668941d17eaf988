import { z } from 'zod';

/** Roles a person can hold. `approver:<group>` scopes approval rights to one group. */
export const Role = z.string().regex(/^(oncall|cab|admin|viewer|approver:[A-Za-z0-9._-]+)$/, {
  message: 'role must be oncall, cab, admin, viewer or approver:<group>',
});
export type Role = z.infer<typeof Role>;

/**
 * An account id in an ITSM, as an administrator (not the user) assigns it. Display names are never
 * ids: every Jira Cloud user can rename themselves, so matching on them lets anyone vote as anyone.
 */
const ItsmId = (what: string) =>
  z
    .string()
    .max(128, `is longer than any ${what} (128 characters at most)`)
    .regex(/^\S(?:.*\S)?$/, `must be ${what}: not empty, no spaces around it`);

/** One human across every chat surface; authorization is by person, never by surface account. */
export const Person = z.object({
  name: z.string().min(1),
  email: z.string().email().optional(),
  slack: z.string().optional(),
  teams: z.string().optional(),
  /** Jira Cloud accountId (5b10ac8d82e05b22cc7d4ef5, 557058:f58131cb-…), or the username on Data Center. */
  jira: ItsmId('the Jira accountId (Cloud) or username (Data Center)').optional(),
  /** ServiceNow sys_user user_name (the login, e.g. abel.tuter). */
  servicenow: ItsmId('the ServiceNow user_name (sys_user login)').optional(),
  roles: z.array(Role).default([]),
});
export type Person = z.infer<typeof Person>;

export const hasRole = (person: Person, role: string): boolean => person.roles.includes(role);

/** Someone whose only role is `viewer`: they read and ask; they start nothing (DESIGN §3). */
export const isViewOnly = (person: Person): boolean => person.roles.length > 0 && person.roles.every((role) => role === 'viewer');

import { z } from 'zod';

/** Roles a person can hold. `approver:<group>` scopes approval rights to one group. */
export const Role = z.string().regex(/^(oncall|cab|admin|viewer|approver:[A-Za-z0-9._-]+)$/, {
  message: 'role must be oncall, cab, admin, viewer or approver:<group>',
});
export type Role = z.infer<typeof Role>;

/** One human across every chat surface; authorization is by person, never by surface account. */
export const Person = z.object({
  name: z.string().min(1),
  email: z.string().email().optional(),
  slack: z.string().optional(),
  teams: z.string().optional(),
  roles: z.array(Role).default([]),
});
export type Person = z.infer<typeof Person>;

export const hasRole = (person: Person, role: string): boolean => person.roles.includes(role);

/** Someone whose only role is `viewer`: they read and ask; they start nothing (DESIGN §3). */
export const isViewOnly = (person: Person): boolean => person.roles.length > 0 && person.roles.every((role) => role === 'viewer');

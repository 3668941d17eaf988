import { z } from 'zod';

export const OsFamily = z.enum(['debian', 'ubuntu', 'rhel', 'centos', 'rocky', 'alma', 'fedora', 'windows']);
export type OsFamily = z.infer<typeof OsFamily>;

export const Connection = z.enum(['ssh', 'local']);
export type Connection = z.infer<typeof Connection>;

export const Host = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'host names are letters, digits, dot, dash, underscore'),
  address: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(22),
  user: z.string().min(1).default('root'),
  os: OsFamily,
  groups: z.array(z.string()).default([]),
  tags: z.record(z.string(), z.string()).default({}),
  connection: Connection.default('ssh'),
});
export type Host = z.infer<typeof Host>;

/** A group is either a static member list or a selector over tags and os. Rings are groups. */
export const GroupSelector = z.object({
  os: z.array(OsFamily).optional(),
  tags: z.record(z.string(), z.string()).optional(),
});
export type GroupSelector = z.infer<typeof GroupSelector>;

export const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const Group = z.object({
  name: z.string().regex(GROUP_NAME),
  description: z.string().optional(),
  members: z.array(z.string()).optional(),
  selector: GroupSelector.optional(),
  production: z.boolean().default(false),
});
export type Group = z.infer<typeof Group>;

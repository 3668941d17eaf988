import { z } from 'zod';

/**
 * The Bot Framework activity fields patchbot reads (Bot Framework Activity schema, Teams flavour),
 * and nothing more. Unknown fields pass through untouched: botbuilder reads the rest itself.
 */
const Account = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  aadObjectId: z.string().optional(),
});

export const Activity = z.looseObject({
  type: z.string().min(1),
  id: z.string().min(1).optional(),
  serviceUrl: z.string().min(1),
  channelId: z.string().min(1),
  from: Account,
  recipient: Account.optional(),
  conversation: z.looseObject({
    id: z.string().min(1),
    conversationType: z.string().optional(),
    tenantId: z.string().optional(),
  }),
  text: z.string().optional(),
  replyToId: z.string().optional(),
  name: z.string().optional(),
  value: z.unknown().optional(),
  channelData: z.looseObject({ tenant: z.looseObject({ id: z.string() }).optional() }).optional(),
});
export type Activity = z.infer<typeof Activity>;

/** `adaptiveCard/action`'s value for Action.Execute (integrations §2.6). */
export const ExecuteValue = z.looseObject({
  action: z.looseObject({
    type: z.string(),
    verb: z.string().min(1),
    data: z.looseObject({ value: z.string().optional() }).optional(),
  }),
});
export type ExecuteValue = z.infer<typeof ExecuteValue>;

/** A roster entry (`GET /v3/conversations/{id}/members/{userId}`, TeamsChannelAccount). */
export const RosterMember = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  aadObjectId: z.string().optional(),
  email: z.string().optional(),
  userPrincipalName: z.string().optional(),
  /** The member's home tenant, and `guest` for a B2B guest of ours (TeamsChannelAccount). */
  tenantId: z.string().optional(),
  userRole: z.string().optional(),
});
export type RosterMember = z.infer<typeof RosterMember>;

/** `POST /v3/conversations` answers `{id, activityId?}`; sends answer `{id}` — either may be missing (202). */
export const ResourceResponse = z.looseObject({ id: z.string().optional(), activityId: z.string().optional() });
export type ResourceResponse = z.infer<typeof ResourceResponse>;

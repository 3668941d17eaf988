/**
 * The ServiceNow wire shapes patchbot reads, and only the fields it reads (Table API and
 * /oauth_token.do; see reference/integrations.md §3). Unknown fields pass through untouched.
 */
import { z } from 'zod';

/** `{"error":{"message","detail"},"status":"failure"}`: every ServiceNow REST failure. */
export const ServiceNowError = z.object({
  error: z.object({ message: z.string().nullish(), detail: z.string().nullish() }),
  status: z.string().optional(),
});
export type ServiceNowError = z.infer<typeof ServiceNowError>;

/** `sysparm_display_value=all` turns every field into both forms. */
const Both = z.object({ value: z.string(), display_value: z.string() });

/** The change as `record` and `approvalOf` read it (display values on, for the work-notes journal). */
export const ChangeSnapshot = z.object({
  sys_id: Both,
  number: Both,
  type: Both,
  state: Both,
  approval: Both,
  /** A journal field: the value is always "", the display value is every entry, newest first. */
  work_notes: Both,
  /** Read by approvalOf alone, to say how a change found finished ended and who last touched it. */
  close_code: Both.optional(),
  sys_updated_by: Both.optional(),
  sys_updated_on: Both.optional(),
});
export type ChangeSnapshot = z.infer<typeof ChangeSnapshot>;

/** A change as created or found (plain values). */
export const ChangeRow = z.object({
  sys_id: z.string(),
  number: z.string(),
  state: z.string(),
  correlation_id: z.string().optional(),
});
export type ChangeRow = z.infer<typeof ChangeRow>;

export const CreatedChange = z.object({ result: ChangeRow });
export const ChangeRows = z.object({ result: z.array(ChangeRow) });
export const ChangeSnapshots = z.object({ result: z.array(ChangeSnapshot) });
export const UpdatedChange = z.object({ result: z.object({ state: z.string() }) });

/**
 * One row of sysapproval_approver per approver. `approver` is the sys_user reference (value: its
 * sys_id, display value: the user's name, for showing only); `approver.user_name` is dot-walked to
 * the user's login, the id patchbot maps people by. The instance leaves out a dot-walked field the
 * integration user may not read, so it is optional.
 */
export const ApproverRows = z.object({
  result: z.array(z.object({ approver: Both, 'approver.user_name': Both.optional(), state: Both })),
});

export const OAuthToken = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
});
export type OAuthToken = z.infer<typeof OAuthToken>;

/**
 * What the business rule in docs/itsm.md posts to /itsm/servicenow. `sys_mod_count` (the record's
 * update counter, a string from `current.getValue`) came with the rule in a later release: a rule
 * installed earlier does not send it.
 */
export const WebhookPayload = z.object({
  number: z.string().min(1),
  sys_id: z.string().min(1),
  state: z.union([z.string(), z.number()]).transform(String).optional(),
  approval: z.string().optional(),
  sys_mod_count: z.union([z.string(), z.number()]).transform(String).optional(),
});

/** The Change Management API answers every field as `{value, display_value}`. */
const Field = z.object({ value: z.string(), display_value: z.string().optional() });
export const ChangeApiRecord = z.object({ result: z.object({ sys_id: Field, number: Field, state: Field }).passthrough() });
/** GET /api/sn_chg_rest/v1/change/{sys_id}/nextstates: the states the change's model allows from here. */
export const NextStates = z.object({ result: z.object({ available_states: z.array(z.string()) }).passthrough() });

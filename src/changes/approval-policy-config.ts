import { z } from 'zod';

/** `48h`, `30m`, `2d`, `90s` → milliseconds. */
export const Duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d|w)$/, 'duration like 90s, 30m, 48h, 2d')
  .transform((text) => {
    const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(text);
    const unit = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 }[match![2] as 'ms'];
    return Number(match![1]) * unit;
  });

/** Who counts: `role:cab`, `role:approver:prod-web`, or a person's name. */
export const Principal = z.string().regex(/^(role:[A-Za-z0-9:._-]+|[A-Za-z0-9._@-]+)$/);

/**
 * One approval policy, as written in config (DESIGN §3). `approvers` + `required` is the on-call
 * form; `voters` + `quorum` the CAB form. Both mean "these people, this many approvals".
 */
export const ApprovalPolicyConfig = z
  .object({
    approvers: z.array(Principal).optional(),
    voters: z.array(Principal).optional(),
    required: z.number().int().min(0).optional(),
    quorum: z.number().int().min(1).optional(),
    rejectWins: z.boolean().default(false),
    expiresIn: Duration.optional(),
    notify: z.array(Principal).default([]),
    postReview: z.boolean().default(false),
    /**
     * May a change under this policy be proposed `at now` (start as soon as approved, outside
     * blackouts)? false: it must name a maintenance window. Emergencies always start now.
     */
    allowNow: z.boolean().default(true),
  })
  .strict()
  .superRefine((policy, ctx) => {
    if (policy.required !== undefined && policy.quorum !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'use either required or quorum, not both' });
    }
    if (policy.required === undefined && policy.quorum === undefined) {
      ctx.addIssue({ code: 'custom', message: 'required (approvals needed) or quorum is missing' });
    }
  });
export type ApprovalPolicyConfig = z.infer<typeof ApprovalPolicyConfig>;

/**
 * The `approval` config section, shaped as in DESIGN §3: each key but `source` is a named policy.
 * `standard`, `normal` and `emergency` are chosen by change class; `production`, when present,
 * replaces `normal` when any target group is marked production. `source` says where votes count
 * (chat, the ITSM's approval record, or both).
 */
export const ApprovalConfig = z
  .object({ source: z.enum(['chat', 'itsm', 'both']).default('chat') })
  .catchall(ApprovalPolicyConfig)
  .superRefine((approval, ctx) => {
    for (const name of ['standard', 'normal', 'emergency']) {
      if (!(name in approval)) {
        ctx.addIssue({ code: 'custom', path: [name], message: `policy "${name}" is required` });
      }
    }
  });
export type ApprovalConfig = z.infer<typeof ApprovalConfig>;

/** The named policies of an approval section, without `source`. */
export const policiesOf = (approval: ApprovalConfig): Record<string, ApprovalPolicyConfig> => {
  const { source: _source, ...policies } = approval;
  return policies;
};

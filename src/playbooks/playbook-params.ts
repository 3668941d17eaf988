import { z } from 'zod';

/**
 * Playbook parameters (DESIGN §4). Values come from chat, so every free-form type carries a
 * pattern: a string parameter without one is refused at load, not at 3 a.m. in a rollout.
 */

export const ParamName = z.string().regex(/^[a-z][A-Za-z0-9_]*$/, 'name parameters with a lowercase letter, then letters, digits or _ (they appear as {{name}} in run)');

/**
 * A regular expression anchored at both ends. Unanchored, `[a-z]+` accepts `ok; rm -rf /`
 * because it matches the `ok`.
 */
export const Pattern = z.string().superRefine((text, ctx) => {
  try {
    new RegExp(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `is not a valid regular expression: ${(error as Error).message}` });
    return;
  }
  if (!text.startsWith('^') || !text.endsWith('$') || text.endsWith('\\$')) {
    ctx.addIssue({ code: 'custom', message: `anchor the pattern with ^ and $ (e.g. '^${text.replace(/^\^|\$$/g, '')}$'), otherwise a value only has to contain a match` });
  }
});

const common = {
  /** Absent: required unless a default is given. */
  required: z.boolean().optional(),
  description: z.string().optional(),
};

export const StringParam = z.strictObject({
  type: z.literal('string'),
  pattern: Pattern,
  default: z.string().optional(),
  ...common,
});

export const ListParam = z.strictObject({
  type: z.literal('list'),
  /** Every item must match; the list is rendered as separately quoted words. */
  item: Pattern,
  default: z.array(z.string()).optional(),
  ...common,
});

export const IntParam = z.strictObject({
  type: z.literal('int'),
  min: z.int().optional(),
  max: z.int().optional(),
  default: z.int().optional(),
  ...common,
});

export const BoolParam = z.strictObject({
  type: z.literal('bool'),
  default: z.boolean().optional(),
  ...common,
});

export const ParamSpec = z
  .discriminatedUnion('type', [StringParam, ListParam, IntParam, BoolParam], {
    error: (issue) => (issue.code === 'invalid_union' ? 'type must be string, list, int or bool' : undefined),
  })
  .superRefine((param, ctx) => {
    // A default is a value like any other: it must pass the same checks a chat value does.
    if (param.type === 'string' && param.default !== undefined && !new RegExp(param.pattern).test(param.default)) {
      ctx.addIssue({ code: 'custom', path: ['default'], message: `does not match the pattern ${param.pattern}` });
    }
    if (param.type === 'list' && param.default) {
      for (const [i, item] of param.default.entries()) {
        if (!new RegExp(param.item).test(item)) ctx.addIssue({ code: 'custom', path: ['default', i], message: `does not match the item pattern ${param.item}` });
      }
    }
    if (param.type === 'int' && param.min !== undefined && param.max !== undefined && param.min > param.max) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: `is below min (${param.min})` });
    }
  });
export type ParamSpec = z.infer<typeof ParamSpec>;

export const isRequired = (param: ParamSpec): boolean => param.required ?? param.default === undefined;

import { z } from 'zod';

/**
 * The surface-neutral message model: features build Cards, each surface renders them (Block Kit,
 * Adaptive Cards, console HTML, plain text). Field limits below are the strictest of Slack and
 * Teams, so a card that parses here can be rendered anywhere without a vendor error; limits that
 * depend on the rendered form (block count, card bytes) are checked by `cardProblems`.
 */
export const CARD_LIMITS = {
  /** Slack: blocks per message (Block Kit). */
  blocks: 50,
  /** Slack: section text; longer text must be split into several sections. */
  sectionChars: 3000,
  /** Slack: header block plain_text. */
  titleChars: 150,
  /** Slack: fields per section, and chars per field. */
  fields: 10,
  fieldChars: 2000,
  /** Slack: elements per actions block. */
  actions: 25,
  /** Slack: button text is 75 chars, but visually truncates near 30. */
  actionLabel: 75,
  actionValue: 2000,
  actionId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Teams: an Adaptive Card payload must stay under ~28 KB; we keep headroom for the envelope. */
  cardBytes: 28_000,
  /** Ours: choices per action (one Slack button each, so well under its 25), and a choice value's length (Slack's action_id carries it). */
  choices: 10,
  choiceValue: 64,
  /** Ours, not a platform's: how many items a list shows before "+N more". */
  listItems: 15,
} as const;

export const CardField = z.object({
  label: z.string().min(1).max(CARD_LIMITS.fieldChars),
  value: z.string().max(CARD_LIMITS.fieldChars),
});
export type CardField = z.infer<typeof CardField>;

export const CardConfirm = z.object({
  title: z.string().min(1).max(CARD_LIMITS.confirmTitle),
  text: z.string().min(1).max(CARD_LIMITS.confirmText),
  confirm: z.string().min(1).max(CARD_LIMITS.confirmButton),
  deny: z.string().min(1).max(CARD_LIMITS.confirmButton),
});
export type CardConfirm = z.infer<typeof CardConfirm>;

/** Slack allows one `primary` per set; `danger` buttons should carry a confirm. */
export const ActionStyle = z.enum(['primary', 'danger', 'default']);
export type ActionStyle = z.infer<typeof ActionStyle>;

/** One option of an action that asks the person to pick first (a window for a proposal). */
export const CardChoice = z.object({
  label: z.string().min(1).max(CARD_LIMITS.actionLabel),
  /** Comes back with the click as `action.choice`; short, and never a secret. */
  value: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'choice values are letters, digits and . _ -')
    .max(CARD_LIMITS.choiceValue),
});
export type CardChoice = z.infer<typeof CardChoice>;

export const CardAction = z.object({
  /** Routes the click back to a handler (`change.approve`); unique within a card. */
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9:._-]*$/, 'action ids are letters, digits and : . _ -')
    .max(CARD_LIMITS.actionId),
  label: z.string().min(1).max(CARD_LIMITS.actionLabel),
  style: ActionStyle.default('default'),
  /** Comes back verbatim with the click: an id, never a secret (it is visible to the client). */
  value: z.string().max(CARD_LIMITS.actionValue),
  confirm: CardConfirm.optional(),
  /**
   * The person picks one of these, then the action fires with its value and the picked choice.
   * Surfaces render it as they can: Slack one button per choice, Teams an Input.ChoiceSet and
   * one Action.Execute, the console a select beside the button. The first choice is the default.
   */
  choices: z
    .array(CardChoice)
    .min(1)
    .max(CARD_LIMITS.choices)
    .refine((choices) => new Set(choices.map((c) => c.value)).size === choices.length, 'choice values must be unique within an action')
    .optional(),
});
export type CardAction = z.infer<typeof CardAction>;

/** A list already capped by `listOf`/`capList`: `more` is the "+N more — how to see all" line. */
export const CardList = z.object({
  heading: z.string().max(CARD_LIMITS.titleChars).optional(),
  items: z.array(z.string()),
  more: z.string().optional(),
});
export type CardList = z.infer<typeof CardList>;

export const CardSection = z.object({
  heading: z.string().max(CARD_LIMITS.titleChars).optional(),
  /** Folded under its heading where a surface can fold (the console); shown open elsewhere. */
  collapsed: z.boolean().optional(),
  text: z.string().max(CARD_LIMITS.sectionChars).optional(),
  fields: z.array(CardField).max(CARD_LIMITS.fields).optional(),
  lists: z.array(CardList).optional(),
});
export type CardSection = z.infer<typeof CardSection>;

export const Card = z.object({
  title: z.string().min(1).max(CARD_LIMITS.titleChars),
  text: z.string().max(CARD_LIMITS.sectionChars).optional(),
  fields: z.array(CardField).max(CARD_LIMITS.fields).optional(),
  lists: z.array(CardList).optional(),
  sections: z.array(CardSection).optional(),
  actions: z
    .array(CardAction)
    .max(CARD_LIMITS.actions)
    .refine((actions) => new Set(actions.map((a) => a.id)).size === actions.length, 'action ids must be unique within a card')
    .optional(),
  /** The footer line: data freshness, a correlation id. */
  context: z.string().max(CARD_LIMITS.sectionChars).optional(),
  /** Groups messages into one thread per subject (`change:CHG-7`); surfaces map it to their thread id. */
  threadKey: z
    .string()
    .regex(/^[a-z]+:[A-Za-z0-9._:-]+$/, 'thread keys look like change:CHG-7')
    .optional(),
});
export type Card = z.infer<typeof Card>;

/** Truncates to `max` chars with an ellipsis, so a hostile value cannot break a limit. */
export const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`);

const plural = (n: number) => `+${n.toLocaleString('en-US')} more`;

/**
 * Caps a list for a card: at most `max` items and at most `maxChars` in total (one Slack
 * section), then one "+N more — <moreHint>" line saying how to get the full list.
 */
export const listOf = (items: readonly string[], max: number, moreHint: string, heading?: string, maxChars = CARD_LIMITS.sectionChars - 200): CardList =>
  pageOf(items, items.length, max, moreHint, heading, maxChars);

/** listOf for the first page of a longer list counted elsewhere (in SQL): "+N more" counts up to `total`. */
export const pageOf = (items: readonly string[], total: number, max: number, moreHint: string, heading?: string, maxChars = CARD_LIMITS.sectionChars - 200): CardList => {
  const shown: string[] = [];
  let chars = 0;
  for (const item of items) {
    const line = clip(item, 300);
    if (shown.length >= max || chars + line.length + 1 > maxChars) break;
    shown.push(line);
    chars += line.length + 1;
  }
  const hidden = Math.max(total, items.length) - shown.length;
  return { ...(heading ? { heading } : {}), items: shown, ...(hidden > 0 ? { more: `${plural(hidden)} — ${moreHint}` } : {}) };
};

/** The same cap as rendered lines: the shown items, then the "+N more — …" line if any. */
export const capList = (items: readonly string[], max: number, moreHint: string): string[] => {
  const list = listOf(items, max, moreHint);
  return list.more ? [...list.items, list.more] : list.items;
};

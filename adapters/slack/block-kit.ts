import type { types } from '@slack/bolt';
import { type Card, type CardAction, type CardField, type CardList, type CardSection, CARD_LIMITS, clip } from '../../src/chat/card.ts';
import { MessageTooLargeError } from '../../src/chat/chat-surface.ts';
import { unescapeHostText } from '../../src/shared/host-text.ts';

/**
 * Cards as Block Kit, always inside Slack's limits (reference/integrations.md §1.9): 50 blocks,
 * 3,000 chars per section text, 10 fields of 2,000, header 150, 25 buttons per actions block,
 * button text 75 and value 2,000, confirm 100/300/30/30. Cards are built within CARD_LIMITS
 * already; this still measures what it emits (escaping makes text longer) and shortens lists with
 * "+N more" instead of letting Slack refuse the message with `invalid_blocks`.
 */

export interface SlackMessage {
  /** The notification and screen-reader text; Slack shows it where blocks cannot be shown. */
  text: string;
  blocks: types.KnownBlock[];
}

export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, fieldText: 2000, fields: 10, header: 150, buttons: 25, buttonText: 75, value: 2000 } as const;

/**
 * Slack's three control characters; without this a host name like `<!channel>` would ping everyone.
 * Host text's backticks come escaped (src/shared/host-text.ts): Slack has no escape for them, so they go as they came.
 */
export const escapeMrkdwn = (text: string): string => unescapeHostText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Escaped and clipped to `max`, never cutting an `&amp;` in half. */
export const mrkdwn = (text: string, max: number): string => {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  const cut = escaped.slice(0, max - 1);
  return `${cut.replace(/&[a-z]{0,3}$/, '')}…`;
};

const plain = (text: string, max: number): types.PlainTextElement => ({ type: 'plain_text', text: clip(text, max), emoji: true });
/**
 * Every mrkdwn text object is `verbatim`: Slack then applies the formatting and our own `<@U…>`
 * mentions but does not parse the plain text, where "certain mentions" would otherwise be turned
 * into live ones (the text object reference): a host named `@here` must not ping a channel.
 * patchbot never relies on Slack linking a bare URL or channel name.
 */
const mrkdwnText = (value: string): types.MrkdwnElement => ({ type: 'mrkdwn', text: value, verbatim: true });
const section = (value: string): types.SectionBlock => ({ type: 'section', text: mrkdwnText(value) });

const MORE = /^\+([\d,]+) more(.*)$/s;

/** A capped list as one section text: items are dropped from the end, and counted in "+N more", until it fits. */
export const listText = (list: CardList, heading?: string, max: number = SLACK_LIMITS.sectionText): string => {
  const parsed = list.more ? MORE.exec(list.more) : null;
  const hiddenBefore = parsed ? Number(parsed[1]!.replace(/,/g, '')) : 0;
  const hint = parsed ? parsed[2]! : list.more ? ` — ${list.more}` : '';
  const head = [heading, list.heading].filter(Boolean).map((h) => `*${mrkdwn(h!, 300)}*`);
  for (let shown = list.items.length; shown >= 0; shown -= 1) {
    const hidden = hiddenBefore + list.items.length - shown;
    const more = hidden > 0 ? [`_+${hidden.toLocaleString('en-US')} more${escapeMrkdwn(hint)}_`] : list.more && !parsed ? [`_${escapeMrkdwn(list.more)}_`] : [];
    const text = [...head, ...list.items.slice(0, shown).map((item) => `• ${mrkdwn(item, 500)}`), ...more].join('\n');
    if (text.length <= max) return text;
  }
  return mrkdwn([...head, `+${hiddenBefore + list.items.length} more`].join('\n'), max);
};

const fieldsBlock = (fields: readonly CardField[]): types.SectionBlock => ({
  type: 'section',
  fields: fields.slice(0, SLACK_LIMITS.fields).map((f) => mrkdwnText(mrkdwn(`*${f.label}*\n${f.value}`, SLACK_LIMITS.fieldText))),
});

/** Text, fields and lists of a card or section; a heading rides on the first block instead of costing one. */
const bodyBlocks = (part: { heading?: string | undefined; text?: string | undefined; fields?: CardField[] | undefined; lists?: CardList[] | undefined }): types.KnownBlock[] => {
  const blocks: types.KnownBlock[] = [];
  let heading = part.heading;
  const take = () => {
    const h = heading;
    heading = undefined;
    return h;
  };
  if (part.text?.trim()) {
    const h = take();
    blocks.push(section(mrkdwn(h ? `*${h}*\n${part.text}` : part.text, SLACK_LIMITS.sectionText)));
  }
  if (part.fields?.length) {
    const h = take();
    if (h) blocks.push(section(`*${mrkdwn(h, 300)}*`));
    for (let i = 0; i < part.fields.length; i += SLACK_LIMITS.fields) blocks.push(fieldsBlock(part.fields.slice(i, i + SLACK_LIMITS.fields)));
  }
  for (const list of part.lists ?? []) {
    const text = listText(list, take());
    // Slack refuses an empty section text; an empty list simply has no block.
    if (text.trim()) blocks.push(section(text));
  }
  const h = take();
  if (h) blocks.push(section(`*${mrkdwn(h, 300)}*`));
  return blocks;
};

/** Destructive buttons always ask first, even when the card forgot to (DESIGN §5, integrations §1.9). */
const confirmOf = (action: CardAction): types.ConfirmationDialog | undefined => {
  const confirm =
    action.confirm ?? (action.style === 'danger' ? { title: `${action.label}?`, text: 'Your choice is recorded and audited.', confirm: action.label, deny: 'Cancel' } : undefined);
  if (!confirm) return undefined;
  return {
    title: plain(confirm.title, CARD_LIMITS.confirmTitle),
    text: plain(confirm.text, CARD_LIMITS.confirmText),
    confirm: plain(confirm.confirm, CARD_LIMITS.confirmButton),
    deny: plain(confirm.deny, CARD_LIMITS.confirmButton),
    ...(action.style === 'danger' ? { style: 'danger' as const } : {}),
  };
};

/**
 * An action with choices becomes one button per choice, in the card's order: a click is one pick,
 * with no second step to forget. The choice rides in the action_id after `~` (card action ids
 * never contain one; see choiceOf), the value stays the action's own.
 */
export const CHOICE_SEPARATOR = '~';
const flatten = (actions: readonly CardAction[]): CardAction[] =>
  actions.flatMap((action) => {
    if (!action.choices?.length) return [action];
    return action.choices.map((choice, i): CardAction => {
      const { choices: _choices, ...rest } = action;
      return { ...rest, id: `${action.id}${CHOICE_SEPARATOR}${choice.value}`, label: `${action.label}: ${choice.label}`, style: i === 0 ? action.style : 'default' };
    });
  });

/** `digest.propose~weekend` → the card action id and the picked choice. */
export const choiceOf = (actionId: string): { id: string; choice?: string } => {
  const at = actionId.indexOf(CHOICE_SEPARATOR);
  return at < 0 ? { id: actionId } : { id: actionId.slice(0, at), choice: actionId.slice(at + 1) };
};

const actionsBlock = (cardActions: readonly CardAction[]): types.ActionsBlock => {
  let primaryUsed = false;
  const actions = flatten(cardActions);
  const elements = actions.slice(0, SLACK_LIMITS.buttons).map((action): types.Button => {
    // Slack allows one primary per set; a second one is shown as a plain button.
    const style = action.style === 'danger' ? 'danger' : action.style === 'primary' && !primaryUsed ? 'primary' : undefined;
    if (style === 'primary') primaryUsed = true;
    const confirm = confirmOf(action);
    if (action.value.length > SLACK_LIMITS.value) throw new MessageTooLargeError('slack', `button ${action.id} carries ${action.value.length} chars (Slack allows ${SLACK_LIMITS.value})`);
    return { type: 'button', action_id: action.id, text: plain(action.label, SLACK_LIMITS.buttonText), value: action.value, ...(style ? { style } : {}), ...(confirm ? { confirm } : {}) };
  });
  return { type: 'actions', elements };
};

/** Title and first paragraph, for notifications and clients that cannot show blocks. */
const fallbackText = (card: Card): string => mrkdwn([card.title, card.text?.split('\n')[0]].filter(Boolean).join('\n'), SLACK_LIMITS.sectionText);

export const renderCard = (card: Card): SlackMessage => {
  // A header is plain text: host text's escaped backticks (a change's title) are shown as they came.
  const head: types.KnownBlock[] = [{ type: 'header', text: plain(unescapeHostText(card.title), SLACK_LIMITS.header) }];
  const body: types.KnownBlock[] = [...bodyBlocks({ text: card.text, fields: card.fields, lists: card.lists }), ...(card.sections ?? []).flatMap((s: CardSection) => bodyBlocks(s))];
  const tail: types.KnownBlock[] = [
    ...(card.context ? [{ type: 'context' as const, elements: [mrkdwnText(mrkdwn(card.context, SLACK_LIMITS.sectionText))] }] : []),
    ...(card.actions?.length ? [actionsBlock(card.actions)] : []),
  ];
  const room = SLACK_LIMITS.blocks - head.length - tail.length;
  // The buttons and the footer matter more than the last parts of a long body: the body gives way.
  const shown =
    body.length <= room ? body : [...body.slice(0, room - 1), section(`_+${body.length - room + 1} more parts not shown (Slack shows ${SLACK_LIMITS.blocks} blocks per message)._`)];
  return { text: fallbackText(card), blocks: [...head, ...shown, ...tail] };
};

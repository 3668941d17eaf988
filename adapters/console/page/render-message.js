// One message block: a root message with its thread. patchbot's cards come with an avatar and an
// APP badge; what people typed comes as chat bubbles (yours on the right).
import { clock, h, richText, svg } from './dom.js';
import { renderCard } from './render-card.js';

const BOT = 'patchbot';

const initials = (name) => name.slice(0, 2).toUpperCase();

/** A stable hue per person, so bob is always the same colour. */
const hue = (name) => [...name].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 360, 7);

const eye = () =>
  svg(
    'svg',
    { class: 'eye', viewBox: '0 0 24 24', width: 14, height: 14, 'aria-hidden': 'true' },
    svg('path', { d: 'M1.5 12S5.5 4.5 12 4.5 22.5 12 22.5 12 18.5 19.5 12 19.5 1.5 12 1.5 12Z', fill: 'none', stroke: 'currentColor', 'stroke-width': 2 }),
    svg('circle', { cx: 12, cy: 12, r: 3.2, fill: 'currentColor' }),
  );

const privateNote = () => h('div', { class: 'private-note' }, eye(), 'Only visible to you');

const botMessage = (m, ctx, compact) =>
  h(
    'div',
    { class: `msg msg-bot${m.private ? ' is-private' : ''}${compact ? ' compact' : ''}`, dataset: { id: m.id } },
    h('div', { class: 'avatar avatar-bot', 'aria-hidden': 'true' }, 'pb'),
    h(
      'div',
      { class: 'msg-body' },
      h(
        'div',
        { class: 'msg-meta' },
        h('span', { class: 'author' }, BOT),
        h('span', { class: 'badge' }, 'APP'),
        h('time', { datetime: m.postedAt }, clock(m.postedAt)),
        m.edited ? h('span', { class: 'edited' }, '(edited)') : null,
      ),
      m.private ? privateNote() : null,
      m.card ? renderCard(m.card, (action, button, choice) => ctx.onAction(m, action, button, choice), ctx.busy?.get(m.id) ?? null) : h('div', { class: 'msg-text' }, richText(m.text)),
      // What the page shows under a root card (a change's waves); replies in a thread get nothing.
      compact || m.threadOf ? null : ctx.below?.(m),
    ),
  );

const personMessage = (m, ctx, compact) => {
  const mine = m.author === ctx.me;
  return h(
    'div',
    { class: `msg msg-person${mine ? ' mine' : ''}${compact ? ' compact' : ''}`, dataset: { id: m.id } },
    mine ? null : h('div', { class: 'avatar', style: { '--hue': hue(m.author) }, 'aria-hidden': 'true' }, initials(m.author)),
    h(
      'div',
      { class: 'bubble' },
      h('div', { class: 'bubble-meta' }, h('span', { class: 'author' }, mine ? `${m.author} (you)` : m.author), h('time', { datetime: m.postedAt }, clock(m.postedAt))),
      h('div', { class: 'bubble-text' }, richText(m.text ?? '')),
    ),
  );
};

export const renderOne = (m, ctx, compact = false) => (m.author === BOT ? botMessage(m, ctx, compact) : personMessage(m, ctx, compact));

/**
 * A root and its replies. Collapsed, the thread is one "N replies" line; open, the replies sit
 * indented under the root.
 * @param ctx { me, expanded: Set<id>, busy?: Map<message id, action id>, onAction, onToggle(rootId), below?(message) → element | null }
 */
export const renderBlock = (root, replies, ctx) => {
  const block = h('div', { class: 'block', dataset: { root: root.id } }, renderOne(root, ctx));
  if (!replies.length) return block;
  const open = ctx.expanded.has(root.id);
  const last = replies[replies.length - 1];
  const authors = [...new Set(replies.map((r) => r.author))];
  block.append(
    h(
      'button',
      { type: 'button', class: `thread-toggle${open ? ' open' : ''}`, 'aria-expanded': String(open), onclick: () => ctx.onToggle(root.id) },
      h(
        'span',
        { class: 'thread-faces', 'aria-hidden': 'true' },
        authors.slice(0, 3).map((a) => h('span', { class: `face${a === BOT ? ' face-bot' : ''}`, style: { '--hue': hue(a) } }, a === BOT ? 'pb' : initials(a))),
      ),
      h('span', { class: 'thread-count' }, `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`),
      h('span', { class: 'thread-last' }, open ? 'Hide thread' : `Last reply ${clock(last.postedAt)}`),
    ),
  );
  if (open)
    block.append(
      h(
        'div',
        { class: 'thread' },
        replies.map((r) => renderOne(r, ctx, true)),
      ),
    );
  return block;
};

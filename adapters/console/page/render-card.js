// A surface-neutral card (src/chat/card.ts) as HTML: title, text, fields as a grid, lists with the
// "+N more" line, sections, buttons and the grey context line.
import { h, richText, unescapeHostText } from './dom.js';

const fieldsOf = (fields) =>
  fields?.length
    ? h(
        'div',
        { class: 'card-fields' },
        fields.map((f) => h('div', { class: 'field' }, h('div', { class: 'field-label' }, f.label), h('div', { class: 'field-value' }, richText(f.value)))),
      )
    : null;

const listsOf = (lists) =>
  (lists ?? []).map((list) =>
    h(
      'div',
      { class: 'card-list' },
      list.heading ? h('div', { class: 'list-heading' }, list.heading) : null,
      h(
        'ul',
        {},
        list.items.map((item) => h('li', {}, richText(item))),
      ),
      list.more ? h('div', { class: 'list-more' }, richText(list.more)) : null,
    ),
  );

const sectionBody = (s) => [s.text ? h('div', { class: 'card-text' }, richText(s.text)) : null, fieldsOf(s.fields), listsOf(s.lists)];

/** A collapsed section folds under its heading (a dry run's commands, one fold per host). */
const sectionsOf = (sections) =>
  (sections ?? []).map((s) =>
    s.collapsed && s.heading
      ? h('details', { class: 'card-section' }, h('summary', { class: 'section-heading' }, s.heading), ...sectionBody(s))
      : h('div', { class: 'card-section' }, s.heading ? h('div', { class: 'section-heading' }, s.heading) : null, ...sectionBody(s)),
  );

const STYLES = new Set(['primary', 'danger', 'default']);

const GOOD = new Set(['approved', 'scheduled', 'running', 'completed']);
const BAD = new Set(['rejected', 'expired', 'cancelled', 'halted', 'failed', 'rolled-back']);
const WAITING = new Set(['pending-approval', 'paused', 'draft']);

/** A colour for the card's edge, from what it says: decided, pending, an emergency. */
const toneOf = (card) => {
  // "completed (dry run)", "completed with 2 failed hosts": the state is the first word.
  const full = card.fields?.find((f) => f.label === 'State')?.value ?? '';
  const state = full.split(' ')[0];
  if (/^🚨|EMERGENCY/.test(card.title)) return 'tone-danger';
  if (/ with \d+ failed hosts?/.test(full)) return 'tone-pending';
  if (GOOD.has(state) || / approved$/.test(card.title)) return 'tone-ok';
  if (BAD.has(state) || / rejected$/.test(card.title)) return 'tone-bad';
  if (WAITING.has(state)) return 'tone-pending';
  return 'tone-neutral';
};

/** A button, or for an action with choices a labelled select (first choice preselected) and the button beside it. */
const actionOf = (action, onAction, busy) => {
  const style = STYLES.has(action.style) ? action.style : 'default';
  const button = h('button', { type: 'button', class: `btn btn-${style}${busy === action.id ? ' pending' : ''}`, dataset: { action: action.id }, disabled: busy !== null }, action.label);
  if (!action.choices?.length) {
    button.addEventListener('click', () => onAction(action, button));
    return button;
  }
  const select = h(
    'select',
    { class: 'choice', 'aria-label': `${action.label}: choose`, dataset: { choiceFor: action.id }, disabled: busy !== null },
    action.choices.map((c) => h('option', { value: c.value }, c.label)),
  );
  button.addEventListener('click', () => onAction(action, button, select.value));
  return h('span', { class: 'action-choice' }, select, button);
};

/**
 * @param card the card
 * @param onAction (action, button, choice?) => void, called when a button is clicked
 * @param busy the id of this card's action whose click is still being sent, or null: while one is,
 *   every action is drawn disabled, so a card redrawn meanwhile cannot be clicked twice
 */
export const renderCard = (card, onAction, busy = null) =>
  h(
    'div',
    { class: `card ${toneOf(card)}` },
    // Plain text, which may hold host text (a change's title): its escaped backticks as they came.
    h('div', { class: 'card-title' }, unescapeHostText(card.title)),
    card.text ? h('div', { class: 'card-text' }, richText(card.text)) : null,
    fieldsOf(card.fields),
    listsOf(card.lists),
    sectionsOf(card.sections),
    card.actions?.length
      ? h(
          'div',
          { class: 'card-actions' },
          card.actions.map((action) => actionOf(action, onAction, busy)),
        )
      : null,
    card.context ? h('div', { class: 'card-context' }, richText(card.context)) : null,
  );

/* global document -- browser globals: this file runs in the page, not in Node */
// The sidebar: the person picker, channels and the direct conversation, with unread counts.
import { h } from './dom.js';

const $ = (id) => document.getElementById(id);

export const renderPicker = (people, me, onPick) => {
  const select = $('person');
  select.replaceChildren(...people.map((p) => h('option', { value: p.name, selected: p.name === me }, p.roles.length ? `${p.name} — ${p.roles.join(', ')}` : p.name)));
  select.onchange = () => onPick(select.value);
};

const item = (channel, { active, unread, onSelect }) =>
  h(
    'li',
    {},
    h(
      'button',
      { type: 'button', class: `nav-item${active ? ' active' : ''}${unread ? ' unread' : ''}`, dataset: { channel: channel.name }, onclick: () => onSelect(channel.name) },
      channel.kind === 'direct' ? h('span', { class: 'nav-icon presence', 'aria-hidden': 'true' }) : h('span', { class: 'nav-icon', 'aria-hidden': 'true' }, '#'),
      h('span', { class: 'nav-name' }, channel.title),
      unread ? h('span', { class: 'unread-count', 'aria-label': `${unread} unread` }, String(unread)) : null,
    ),
  );

/** @param view { channels, active, unread: Map, viewName, onSelect } */
export const renderChannels = ({ channels, active, unread, viewName, onSelect }) => {
  const entry = (c) => item(c, { active: viewName === 'chat' && c.name === active, unread: unread.get(c.name) ?? 0, onSelect });
  $('channels').replaceChildren(...channels.filter((c) => c.kind === 'channel').map(entry));
  $('directs').replaceChildren(...channels.filter((c) => c.kind === 'direct').map(entry));
  $('nav-compliance').classList.toggle('active', viewName === 'compliance');
  const total = [...unread.values()].reduce((a, b) => a + b, 0);
  document.title = total ? `(${total}) patchbot` : 'patchbot';
};

const LIVE_LABELS = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline — retrying', 'signed-out': 'Signed out' };

/** `person`: whose stream the indicator speaks for (a switch of person starts again at connecting). */
export const renderLive = (state, person) => {
  const el = $('live');
  el.dataset.state = state;
  el.dataset.person = person;
  el.querySelector('.live-label').textContent = LIVE_LABELS[state] ?? state;
};

/* global CSS, document, localStorage, setTimeout -- browser globals: this file runs in the page, not in Node */
// The console page: pick a person, read channels, watch them live, click buttons, type commands.
import { api, connectLive } from './api.js';
import { createChannelState } from './channel-state.js';
import { renderCompliance } from './compliance.js';
import { askConfirm, toast } from './dialogs.js';
import { createRetryIds } from './retry-ids.js';
import { checkStillSignedIn, showSession } from './session.js';
import { h } from './dom.js';
import { renderBlock } from './render-message.js';
import { renderChannels, renderLive, renderPicker } from './sidebar.js';
import { changeOf, createWavesPanels } from './waves-panel.js';

const $ = (id) => document.getElementById(id);
const PERSON_KEY = 'patchbot.console.person';
const HINTS = {
  // Both work as written on the embedded defaults (test/chat/first-run-hints.test.ts runs them).
  channel: 'Message #{name} — try /patch pending, then /patch propose <an id it lists> to local',
  direct: "Ask patchbot — e.g. what's pending? or who needs a reboot?",
};

// busy: message id → the action whose click is still being sent (see renderCard).
const state = { people: [], me: null, channels: [], active: null, view: 'chat', unread: new Map(), expanded: new Set(), busy: new Map(), disconnect: null };
const messages = createChannelState();
const retryIds = createRetryIds();
const seenKey = (channel) => `patchbot.console.seen.${state.me}.${channel}`;
const lastSeen = (channel) => Number(localStorage.getItem(seenKey(channel)) ?? 'NaN');
const markSeen = (channel) => {
  localStorage.setItem(seenKey(channel), String(messages.maxRevision(channel)));
  state.unread.set(channel, 0);
};

const sidebar = () => renderChannels({ channels: state.channels, active: state.active, unread: state.unread, viewName: state.view, onSelect: selectChannel });
const list = $('messages');
const nearBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 120;
const toBottom = () => (list.scrollTop = list.scrollHeight);

/** A chart that grows while you read the newest message keeps it in view; elsewhere it stays put. */
const keepPlace = (draw) => {
  const stick = nearBottom();
  draw();
  if (stick) toBottom();
};
const waves = createWavesPanels({ load: (change) => api.waves(change, state.me), keepPlace, scroller: list });
// Only public cards: a private answer about a change (a refused vote) is not where its chart lives.
const below = (m) => (m.private ? null : waves.panelFor(m));

const blockCtx = () => ({ me: state.me, expanded: state.expanded, busy: state.busy, onAction, onToggle, below });

const renderChannel = () => {
  const channel = state.channels.find((c) => c.name === state.active);
  if (!channel) return;
  $('channel-name').textContent = channel.kind === 'direct' ? channel.title : `# ${channel.title}`;
  $('channel-topic').textContent = channel.topic;
  $('input').placeholder = HINTS[channel.kind].replace('{name}', channel.title);
  const blocks = messages.blocks(channel.name);
  list.replaceChildren(
    ...(blocks.length
      ? blocks.map((b) => renderBlock(b.root, b.replies, blockCtx()))
      : [h('div', { class: 'empty' }, h('strong', {}, 'Nothing here yet.'), ' ', channel.kind === 'direct' ? 'Ask a question below.' : 'Cards patchbot posts here show up live.')]),
  );
  toBottom();
};

/** Re-renders one root and its thread in place; appends it when it is new. */
const refreshBlock = (rootId) => {
  const block = messages.block(state.active, rootId);
  if (!block) return;
  const stick = nearBottom();
  const fresh = renderBlock(block.root, block.replies, blockCtx());
  const current = list.querySelector(`[data-root="${CSS.escape(rootId)}"]`);
  // A reply that came before its root (an old card, edited after the page loaded) was drawn on its
  // own; now it is in the root's thread, so its own block goes.
  for (const reply of block.replies) if (reply.id !== rootId) list.querySelector(`[data-root="${CSS.escape(reply.id)}"]`)?.remove();
  if (current) current.replaceWith(fresh);
  else {
    list.querySelector('.empty')?.remove();
    const after = [...list.children].find((el) => Number(el.dataset.root) > Number(rootId));
    list.insertBefore(fresh, after ?? null);
  }
  if (stick) toBottom();
};

function onToggle(rootId) {
  if (state.expanded.has(rootId)) state.expanded.delete(rootId);
  else state.expanded.add(rootId);
  refreshBlock(rootId);
}

async function onAction(message, action, button, choice) {
  if (action.confirm && !(await askConfirm(action.confirm, action.style))) return;
  if (state.busy.has(message.id)) return;
  state.busy.set(message.id, action.id);
  // Drawn again from state.busy: disabled, this button pending, and so on any redraw until the answer.
  refreshMessage(message);
  try {
    const as = state.me;
    await retryIds.attempt(JSON.stringify(['click', as, message.id, action.id, choice ?? null]), (id) => api.click(message.id, action.id, as, choice, id));
  } catch (error) {
    toast(error.message);
  } finally {
    state.busy.delete(message.id);
    refreshMessage(message);
  }
}

/** Redraws the block a message is in, if it is in the channel on screen. */
const refreshMessage = (message) => refreshBlock(messages.rootOf(message.channel, message.id));

const onLive = (m) => {
  const change = messages.upsert(m);
  if (!change) return;
  const here = m.channel === state.active && state.view === 'chat';
  // A new reply opens its thread where you are looking: a decision should not hide behind a fold.
  if (here && change.isNew && m.threadOf && change.rootId !== m.id) state.expanded.add(change.rootId);
  if (here) {
    refreshBlock(change.rootId);
    if (document.visibilityState === 'visible') markSeen(m.channel);
  } else if (change.isNew && m.author !== state.me) {
    state.unread.set(m.channel, (state.unread.get(m.channel) ?? 0) + 1);
    sidebar();
  }
  // The change moved: its block was just redrawn from the chart's last answer; fetch the new one.
  const moved = m.private ? null : changeOf(m);
  if (moved) waves.changed(moved);
};

function selectChannel(name) {
  state.view = 'chat';
  state.active = name;
  localStorage.setItem(`patchbot.console.channel.${state.me}`, name);
  markSeen(name);
  $('app').classList.remove('nav-open', 'show-compliance');
  sidebar();
  renderChannel();
  $('input').focus({ preventScroll: true });
}

// Which call of selectPerson is the current one. Picking a person while the page is still loading
// the previous one (the first load, a quick second pick) must not leave that person's live
// stream open: it would count, and show, their private messages in this window.
let selecting = 0;

/**
 * Where a newly picked person lands: the channel on screen when there is one (switching person is
 * how one keyboard plays every role, so it must not jump away from the card being voted on; a
 * direct conversation becomes the new person's own), else the one they were last in.
 */
const landingChannel = (channels, name, previous) => {
  const same = previous && channels.find((c) => c.name === previous.name);
  if (same) return same.name;
  const direct = previous?.kind === 'direct' && channels.find((c) => c.kind === 'direct');
  if (direct) return direct.name;
  const remembered = localStorage.getItem(`patchbot.console.channel.${name}`);
  return channels.some((c) => c.name === remembered) ? remembered : channels[0].name;
};

// Asked after the server refused the live stream or a read: see session.js.
const stillWelcome = () => checkStillSignedIn(list);

const PERSON_RETRY_MS = 3000;

/** The person could not be loaded (the server restarting): say so where their channel would be, and try again. */
const loadFailed = (name, error) => {
  renderLive('offline', name);
  list.replaceChildren(h('div', { class: 'empty' }, `Could not load ${name}'s channels: ${error.message.replace(/\.$/, '')}. Trying again…`));
  setTimeout(() => {
    if (state.me === name) void selectPerson(name).catch((again) => toast(again.message));
  }, PERSON_RETRY_MS);
};
const selectPerson = async (name) => {
  const turn = ++selecting;
  const before = state.channels;
  state.disconnect?.();
  state.disconnect = null;
  // The indicator spoke for the previous person's stream, which is gone: nothing is live until this one's is.
  renderLive('connecting', name);
  state.me = name;
  localStorage.setItem(PERSON_KEY, name);
  messages.reset();
  waves.mayHaveMoved();
  state.expanded.clear();
  state.unread.clear();
  let channels;
  let reads;
  try {
    ({ channels } = await api.channels(name));
    if (turn !== selecting) return;
    reads = await Promise.all(channels.map((c) => api.messages(c.name, name)));
  } catch (error) {
    if (turn !== selecting) return;
    if (error.status === 401) return void stillWelcome();
    // Any other refusal says who may not read what: the picker shows it. The rest is tried again.
    if (error.status >= 400 && error.status < 500 && error.status !== 429) throw error;
    return loadFailed(name, error);
  }
  if (turn !== selecting) return;
  state.channels = channels;
  for (const read of reads) {
    read.messages.forEach((m) => messages.upsert(m));
    const seen = lastSeen(read.channel);
    // First visit: everything so far counts as read.
    state.unread.set(read.channel, Number.isNaN(seen) ? 0 : messages.countAfter(read.channel, seen, name));
    if (Number.isNaN(seen)) localStorage.setItem(seenKey(read.channel), String(messages.maxRevision(read.channel)));
  }
  // Read now, not when the pick began: a channel (or view) chosen while this person loaded is where they meant to be.
  const onScreen = [...channels, ...before].find((c) => c.name === state.active) ?? null;
  const view = state.view;
  selectChannel(landingChannel(channels, name, onScreen));
  if (view === 'compliance') void showCompliance();
  const since = Math.min(...reads.map((r) => r.revision));
  state.disconnect = connectLive(name, since, { onMessage: onLive, onState: (live) => renderLive(live, name), stillWelcome });
};

let complianceTurn = 0;

const showCompliance = async () => {
  const turn = ++complianceTurn;
  state.view = 'compliance';
  $('app').classList.add('show-compliance');
  $('app').classList.remove('nav-open');
  $('channel-name').textContent = 'Compliance';
  $('channel-topic').textContent = 'Hosts within SLA, per group';
  sidebar();
  let draw;
  try {
    const report = await api.compliance();
    draw = () => renderCompliance($('compliance'), report);
  } catch (error) {
    draw = () => $('compliance').replaceChildren(h('p', { class: 'empty' }, `Could not load the report: ${error.message}`));
  }
  // Only the newest request draws, and only while the view is on screen (hidden, the chart has no width).
  if (turn === complianceTurn && state.view === 'compliance') draw();
};

const send = async () => {
  const input = $('input');
  const text = input.value.trim();
  if (!text || !state.active) return;
  const [channel, as] = [state.active, state.me];
  input.value = '';
  try {
    await retryIds.attempt(JSON.stringify(['say', as, channel, text]), (id) => api.post(channel, as, text, id));
  } catch (error) {
    // Not answered: give it back to send again, unless something else was typed, or the channel changed, since.
    if (!input.value && state.active === channel) input.value = text;
    toast(error.message);
  }
};

const wire = () => {
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    void send();
  });
  $('input').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void send();
    }
  });
  $('nav-compliance').addEventListener('click', () => void showCompliance());
  $('menu').addEventListener('click', () => $('app').classList.toggle('nav-open'));
  $('scrim').addEventListener('click', () => $('app').classList.remove('nav-open'));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || !state.active || state.view !== 'chat') return;
    markSeen(state.active);
    sidebar();
  });
};

const start = async () => {
  wire();
  const session = await api.session();
  if (!showSession(session)) return;
  if (session.mode === 'person') {
    state.people = [{ name: session.person, roles: [] }];
    await selectPerson(session.person);
    return;
  }
  const { people } = await api.people();
  state.people = people;
  if (!people.length) {
    list.replaceChildren(h('div', { class: 'empty' }, 'No people are configured: add some under `people` in the patchbot config.'));
    return;
  }
  const remembered = localStorage.getItem(PERSON_KEY);
  const me = people.some((p) => p.name === remembered) ? remembered : people[0].name;
  renderPicker(people, me, (name) => void selectPerson(name).catch((e) => toast(e.message)));
  await selectPerson(me);
};

start().catch((error) => toast(`The console could not start: ${error.message}`));

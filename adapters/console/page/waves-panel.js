/* global CSS, IntersectionObserver, clearTimeout, document, getComputedStyle, setTimeout, window -- browser globals: this file runs in the page, not in Node */
// The waves chart under each approval card. A block is re-rendered on every edit of its card, so
// the panel is drawn at once from the last answer held for the change, and fetched again when the
// change moves: its card is edited or its thread gets a reply (both arrive on the event stream).
import { h } from './dom.js';
import { renderWaves } from './waves.js';

const CHANGE_KEY = /^change:(.+)$/;

/** The change a message is about (its card's thread key `change:<id>`), or null. */
export const changeOf = (message) => CHANGE_KEY.exec(message.card?.threadKey ?? '')?.[1] ?? null;

/** A host finishing posts nothing (only a wave starting or ending does): while one runs, look again this often. */
const FOLLOW_MS = 5000;

/**
 * @param load (change) => Promise<view>: GET /api/console/changes/<id>/waves for the person acting
 * @param keepPlace (draw) => void: runs a draw that changes a panel's height, keeping the scroll where it belongs
 * @param scroller the element the panels scroll in (the message list); null: the window
 */
export const createWavesPanels = ({ load, keepPlace = (draw) => draw(), scroller = null }) => {
  const views = new Map(); // change → the last answer
  const errors = new Map(); // change → { message, again }: why the last fetch failed, and whether it may pass next time
  const stale = new Set(); // changes that moved since their last answer
  const flights = new Map(); // change → { again }: one fetch at a time per change, the latest wins
  const follows = new Map(); // change → timer

  // A panel drawn before it is in the page has no width yet: it takes the last one measured
  // (every panel sits in the same column), or a guess from the window before the first.
  let lastWidth = null;
  const widthOf = (panel) => {
    if (panel.isConnected && panel.clientWidth) {
      const style = getComputedStyle(panel);
      lastWidth = panel.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    }
    return lastWidth ?? Math.min(window.innerWidth - 80, 700);
  };

  const panels = (change) => [...document.querySelectorAll(`.waves[data-change="${CSS.escape(change)}"]`)];

  const draw = (panel) => {
    const change = panel.dataset.change;
    const view = views.get(change);
    if (view) panel.replaceChildren(...renderWaves(view, { width: widthOf(panel) }));
    else if (errors.has(change)) {
      const { message, again } = errors.get(change);
      panel.replaceChildren(h('p', { class: 'waves-note' }, `Waves unavailable: ${message.replace(/\.$/, '')}${again ? '. Trying again…' : ''}`));
    } else panel.replaceChildren(h('p', { class: 'waves-note' }, 'Loading waves…'));
    panel.setAttribute('aria-busy', String(!view && !errors.has(change)));
  };

  /**
   * While hosts are being worked on, their states change without a message: follow them. A fetch
   * that failed for a passing reason (a restart, a dropped connection, a 5xx or 429; not a 404) is
   * tried again the same way, so a chart does not stay "unavailable" until its change next moves.
   */
  const follow = (change) => {
    clearTimeout(follows.get(change));
    const view = views.get(change);
    const busy = view?.state === 'running' && (view.current?.phase === 'running' || view.current?.phase === 'verifying');
    if (!busy && !errors.get(change)?.again) return follows.delete(change);
    follows.set(
      change,
      setTimeout(() => {
        follows.delete(change);
        if (panels(change).length && document.visibilityState === 'visible') void fetchNow(change);
        else stale.add(change); // fetched when it is next drawn, or when the tab is looked at again
      }, FOLLOW_MS),
    );
  };

  const fetchNow = async (change) => {
    const flight = flights.get(change);
    if (flight) {
      flight.again = true; // an answer already on its way may predate this move
      return;
    }
    const mine = { again: false };
    flights.set(change, mine);
    stale.delete(change);
    try {
      views.set(change, await load(change));
      errors.delete(change);
    } catch (error) {
      const refused = error.status >= 400 && error.status < 500 && error.status !== 429;
      errors.set(change, { message: error.message, again: !refused });
    } finally {
      flights.delete(change);
    }
    const shown = panels(change);
    if (shown.length) keepPlace(() => shown.forEach(draw));
    if (mine.again) return fetchNow(change);
    follow(change);
  };

  // A panel is fetched for when it scrolls near the screen: a channel of fifty approval cards
  // does not ask for fifty charts at once. The margin must belong to the list the panels scroll
  // in: with the window as root, the list clips a panel 1px out of sight and it is never "near".
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        stopWatching(entry.target);
        void fetchNow(entry.target.dataset.change);
      }
    },
    { root: scroller, rootMargin: '300px 0px' },
  );
  // The panels being watched. A block drawn again replaces its panel, and one out of the page never
  // comes near the screen: unless let go, the observer would hold it (and its chart) for good.
  const watched = new Set();
  const stopWatching = (panel) => {
    observer.unobserve(panel);
    watched.delete(panel);
  };
  const watch = (panel) => {
    observer.observe(panel);
    watched.add(panel);
    // Once this draw is in the page: the panel it replaced, or this one if replaced at once, is gone.
    setTimeout(() => [...watched].filter((p) => !p.isConnected).forEach(stopWatching), 0);
  };

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible') return;
    for (const change of [...stale]) if (panels(change).length) void fetchNow(change);
  });

  return {
    /** The chart panel for a message, or null when it is not a change's card. */
    panelFor(message) {
      const change = changeOf(message);
      if (!change) return null;
      const panel = h('section', { class: 'waves', dataset: { change }, 'aria-label': `Waves of ${change}` });
      draw(panel);
      if (!views.has(change) || stale.has(change)) watch(panel);
      return panel;
    },
    /**
     * Another person was picked: between their predecessor's stream and theirs, changes may have
     * moved unseen. Each chart is still drawn at once from its last answer, and fetched again.
     */
    mayHaveMoved() {
      for (const change of views.keys()) stale.add(change);
    },
    /** The change moved (its card was edited, its thread got a reply): fetch again where it is shown. */
    changed(change) {
      if (panels(change).length) void fetchNow(change);
      else stale.add(change);
    },
  };
};

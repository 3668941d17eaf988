/* global EventSource, URLSearchParams, clearTimeout, fetch, setTimeout -- browser globals: this file runs in the page, not in Node */
// The console's JSON API and its live event stream, as the page uses them.
import { randomId } from './dom.js';

const BASE = '/api/console';

const request = async (method, path, body) => {
  const response = await fetch(`${BASE}${path}`, {
    method,
    credentials: 'same-origin',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.error ?? `${method} ${path}: HTTP ${response.status}`), { status: response.status });
  return data;
};

const q = (params) => new URLSearchParams(params).toString();

export const api = {
  session: () => request('GET', '/session'),
  people: () => request('GET', '/people'),
  channels: (as) => request('GET', `/channels?${q({ as })}`),
  messages: (channel, as) => request('GET', `/channels/${encodeURIComponent(channel)}/messages?${q({ as })}`),
  compliance: () => request('GET', '/compliance'),
  waves: (change, as) => request('GET', `/changes/${encodeURIComponent(change)}/waves?${q({ as })}`),
  /** One id per attempt at sending: a retry of the same attempt repeats it and is dropped server-side (retry-ids.js). */
  post: (channel, as, text, id = randomId()) => request('POST', '/messages', { id, channel, as, text }),
  click: (messageId, actionId, as, choice, id = randomId()) => request('POST', '/actions', { id, messageId, actionId, as, ...(choice === undefined ? {} : { choice }) }),
};

/** Waits after the server refused a stream: 3 s, doubling to 30 s, so a refusing server is not asked every 3 s forever. */
const refusedDelayMs = (refusals) => Math.min(30_000, 3000 * 2 ** (refusals - 1));

/**
 * The live stream for one person. EventSource reconnects by itself (sending Last-Event-ID) after a
 * network drop; after an HTTP refusal (a 401 once the sign-in ended, a 429 at the stream limit, a
 * 503) it gives up, and this opens a new one from the last revision seen — but first asks
 * `stillWelcome()`: false (signed out) ends the stream for good.
 * @param handlers { onMessage(m), onState('connecting'|'live'|'reconnecting'|'offline'|'signed-out'), stillWelcome(): Promise<boolean> }
 */
export const connectLive = (as, since, { onMessage, onState, stillWelcome }) => {
  let source = null;
  let last = since;
  let timer = null;
  let closed = false;
  let refusals = 0;
  const retry = async () => {
    if (closed) return;
    if (!(await stillWelcome())) {
      closed = true;
      onState('signed-out');
      return;
    }
    if (!closed) open();
  };
  const open = () => {
    onState('connecting');
    source = new EventSource(`${BASE}/events?${q({ as, since: String(last) })}`);
    source.addEventListener('ready', () => {
      refusals = 0;
      onState('live');
    });
    source.addEventListener('message', (event) => {
      if (event.lastEventId) last = Number(event.lastEventId);
      onMessage(JSON.parse(event.data));
    });
    source.addEventListener('error', () => {
      if (closed) return;
      if (source.readyState !== EventSource.CLOSED) return onState('reconnecting');
      onState('offline');
      refusals++;
      timer = setTimeout(() => void retry(), refusedDelayMs(refusals));
    });
  };
  open();
  return () => {
    closed = true;
    clearTimeout(timer);
    source?.close();
  };
};

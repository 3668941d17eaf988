// A change's waves as an inline SVG: one row per wave (the pilot marked, the current one
// highlighted), one cell per host coloured by its state, the failure budget beside each wave.
// Everything from the server goes in as text nodes and attribute values (dom.js).
import { clock, h, svg } from './dom.js';

/** The kinds the server sorts host states into (adapters/console/waves-view.ts), in legend order. */
const KINDS = [
  ['patched', 'patched'],
  ['would-patch', 'would patch (dry run)'],
  ['running', 'running'],
  ['pending', 'pending'],
  ['failed', 'failed'],
  ['accepted', 'accepted'],
  ['not-needed', 'not needed'],
];
const LABEL = Object.fromEntries(KINDS);

/**
 * The chart is drawn as wide as its panel, in SVG units equal to CSS pixels, so text keeps its
 * size: wide puts the wave's name, budget and status in a column left of the cells; narrow (a
 * phone) puts name and budget on a line above them.
 */
const NARROW_BELOW = 520;
const layoutFor = (width) =>
  width < NARROW_BELOW
    ? { width: Math.round(Math.max(width, 280)), cellsX: 10, labelH: 0, cellsDy: 24, narrow: true }
    : { width: Math.round(Math.min(width, 900)), cellsX: 176, labelH: 50, cellsDy: 2, narrow: false };
const PAD = 10;
const ROW_GAP = 4;

/** Big cells for a handful of hosts; a fleet of hundreds still fits on a screen. */
const cellSize = (hosts) => (hosts <= 60 ? { cell: 18, gap: 4 } : hosts <= 300 ? { cell: 12, gap: 3 } : { cell: 8, gap: 2 });

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const clip = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** "0/1 failures": failures so far against the wave's budget (one more than the budget halts the change). */
const failuresText = (w) => `${w.failures}/${w.failureBudget} failures`;

/** What the current wave is doing, in a few words. */
const phaseText = (view) => {
  const { current, state } = view;
  if (state === 'halted') return 'halted';
  if (state === 'paused') return current?.pausedBy === 'window' ? 'paused until its next window' : `paused${current?.pausedBy ? ` by ${current.pausedBy}` : ''}`;
  if (state === 'approved' || state === 'scheduled' || current?.phase === 'waiting') return 'waiting for its window';
  if (current?.phase === 'soaking') return current.soakUntil ? `soaking until ${clock(current.soakUntil)}` : 'soaking';
  if (current?.phase === 'verifying') return 'verifying (rescan)';
  return current?.phase ?? state;
};

const waveStatusText = (view, w) => (w.status === 'current' ? phaseText(view) : w.status === 'done' ? '✓ done' : 'not started');

/** One line above the chart: where the change stands. */
export const wavesSummary = (view) => {
  const n = view.waves.length;
  const at = view.current && view.waves[view.current.wave];
  const where = at ? `wave ${at.index + 1} of ${n} (${at.name})` : '';
  const t = view.totals;
  switch (view.state) {
    case 'draft':
    case 'pending-approval':
      return `Not started: waits for approval · ${plural(n, 'wave')}, ${plural(t.hosts, 'host')}`;
    case 'approved':
    case 'scheduled':
      return `Approved, waiting for its window · ${plural(n, 'wave')}, ${plural(t.hosts, 'host')}`;
    case 'running':
      return `${at ? `Running ${where}: ${phaseText(view)}` : 'Running'}${view.dryRun ? ` · ${view.dryRun}` : ''}`;
    case 'paused':
      return `Paused in ${where || 'its rollout'}: ${phaseText(view)}`;
    case 'halted':
      return `Halted in ${where || 'its rollout'}${view.haltReason ? `: ${view.haltReason}` : ''}`;
    case 'completed':
    case 'failed': {
      // The same words as the thread: failures never hide behind "completed" (issue #19).
      const failed = t.failed + t.accepted;
      const head = view.state === 'failed' ? 'Failed' : failed ? `Completed with ${plural(failed, 'failed host')}` : 'Completed';
      const done = t['would-patch'] && !t.patched ? `${t['would-patch']} of ${plural(t.hosts, 'host')} would patch` : `${t.patched} of ${plural(t.hosts, 'host')} patched`;
      return `${head}: ${done}${t['not-needed'] ? `, ${t['not-needed']} not needed` : ''}${failed ? `, ${failed} failed` : ''}${view.dryRun === 'dry run' ? ' · dry run: nothing was changed on the hosts' : view.dryRun ? ` · ${view.dryRun}` : ''}`;
    }
    default:
      return `${view.state[0].toUpperCase()}${view.state.slice(1).replace('-', ' ')}${at ? ` in ${where}` : ''}`;
  }
};

const countsText = (counts) =>
  KINDS.filter(([kind]) => counts[kind])
    .map(([kind, label]) => `${counts[kind]} ${label}`)
    .join(', ');

/** A wave in words: the row's tooltip and part of the chart's text alternative. */
const waveText = (view, w) =>
  `Wave ${w.index + 1}, ${w.name}${w.pilot ? ' (pilot)' : ''}: ${plural(w.hosts.length, 'host')}${w.hosts.length ? ` — ${countsText(w.counts)}` : ''}; ${w.failures} of ${w.failureBudget} failures allowed; ${waveStatusText(view, w)}.`;

/** A tick or a cross inside a cell big enough to hold one, so the state does not rest on colour alone. */
const mark = (kind, x, y, cell) => {
  if (cell < 14) return null;
  const s = cell / 18;
  const at = (dx, dy) => `${(x + dx * s).toFixed(1)} ${(y + dy * s).toFixed(1)}`;
  if (kind === 'patched' || kind === 'would-patch') return svg('path', { d: `M${at(4.5, 9.5)} L${at(7.8, 12.8)} L${at(13.5, 5.8)}`, class: 'cell-mark' });
  if (kind === 'failed') return svg('path', { d: `M${at(5.5, 5.5)} L${at(12.5, 12.5)} M${at(12.5, 5.5)} L${at(5.5, 12.5)}`, class: 'cell-mark' });
  return null;
};

/** The cells of a wave, batch after batch (a little space between batches), wrapping at the edge. */
const cells = (w, top, L, size) => {
  const { cell, gap } = size;
  const right = L.width - PAD;
  let x = L.cellsX;
  let y = top;
  let batch = w.hosts[0]?.batch ?? 0;
  const out = w.hosts.map((host) => {
    if (host.batch !== batch && x !== L.cellsX) x += gap * 2;
    batch = host.batch;
    if (x + cell > right) {
      x = L.cellsX;
      y += cell + gap;
    }
    const tip = `${host.host}: ${host.state === 'not-needed' ? 'not needed' : host.state === 'dry-run' ? 'would patch (dry run)' : host.state}${host.error ? ` — ${host.error}` : ''} (batch ${host.batch + 1})`;
    const g = svg(
      'g',
      { class: 'cell-group' },
      svg('rect', { x, y, width: cell, height: cell, rx: cell >= 14 ? 4 : 2, class: `cell kind-${host.kind}`, 'data-host': host.host, 'data-state': host.state }, svg('title', {}, tip)),
      mark(host.kind, x, y, cell),
    );
    x += cell + gap;
    return g;
  });
  return { nodes: out, height: w.hosts.length ? y - top + cell : cell };
};

/** The label of a wave: name, pilot flag, failure budget and (wide) what it is doing. */
const label = (view, w, top, L) => {
  const over = w.failures > w.failureBudget;
  const failures = svg('tspan', { class: `waves-fail${w.failures ? ' has-failures' : ''}${over ? ' over-budget' : ''}` }, failuresText(w));
  if (L.narrow) {
    return [
      svg('text', { x: PAD, y: top + 14, class: 'waves-name' }, clip(w.name, 22), w.pilot ? svg('tspan', { class: 'waves-pilot', dx: 6 }, 'PILOT') : null),
      svg('text', { x: L.width - PAD, y: top + 14, 'text-anchor': 'end', class: 'waves-meta' }, failures),
    ];
  }
  return [
    svg('text', { x: PAD + 2, y: top + 13, class: 'waves-name' }, clip(w.name, 21)),
    svg('text', { x: PAD + 2, y: top + 30, class: 'waves-meta' }, w.pilot ? svg('tspan', { class: 'waves-pilot' }, 'PILOT') : null, w.pilot ? ' · ' : null, failures),
    svg('text', { x: PAD + 2, y: top + 46, class: `waves-status status-${w.status}` }, clip(waveStatusText(view, w), 26)),
  ];
};

let charts = 0;

const chart = (view, width) => {
  const L = layoutFor(width);
  const size = cellSize(view.totals.hosts);
  const id = `waves-${++charts}`;
  let y = 1;
  const rows = view.waves.map((w, i) => {
    const sep = i > 0 ? svg('line', { x1: PAD, x2: L.width - PAD, y1: y - ROW_GAP / 2, y2: y - ROW_GAP / 2, class: 'wave-sep' }) : null;
    const top = y + PAD;
    const drawn = cells(w, top + L.cellsDy, L, size);
    const height = Math.max(L.labelH, L.cellsDy + drawn.height) + 2 * PAD;
    const current = w.status === 'current';
    const row = svg(
      'g',
      { class: `wave-row status-${w.status}${current ? ` state-${view.state}` : ''}`, 'data-wave': w.index },
      svg('title', {}, waveText(view, w)),
      current ? svg('rect', { x: 1, y, width: L.width - 2, height, rx: 8, class: 'wave-highlight' }) : null,
      label(view, w, top, L),
      drawn.nodes,
    );
    y += height + ROW_GAP;
    return [sep, row];
  });
  const summary = wavesSummary(view);
  return svg(
    'svg',
    { class: 'waves-chart', viewBox: `0 0 ${L.width} ${y - ROW_GAP + 1}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc` },
    svg('title', { id: `${id}-title` }, `Waves of ${view.change}: ${summary}`),
    svg('desc', { id: `${id}-desc` }, view.waves.map((w) => waveText(view, w)).join(' ')),
    rows,
  );
};

const legend = (totals) =>
  h(
    'ul',
    { class: 'legend waves-legend', 'aria-label': 'Hosts by state' },
    KINDS.map(([kind]) =>
      h('li', { class: totals[kind] ? '' : 'is-zero' }, h('span', { class: `swatch kind-${kind}`, 'aria-hidden': 'true' }), `${LABEL[kind]} `, h('strong', {}, String(totals[kind]))),
    ),
  );

/**
 * The whole panel body: a line saying where the change stands, the chart, a legend with counts.
 * @param view the answer of GET /api/console/changes/<id>/waves
 * @param width the width to draw at, in CSS pixels
 */
export const renderWaves = (view, { width = 640 } = {}) => {
  const head = h(
    'div',
    { class: 'waves-head' },
    h('span', { class: 'waves-title' }, 'Waves'),
    h('span', { class: 'waves-summary' }, wavesSummary(view)),
    h('time', { class: 'waves-at', datetime: view.generatedAt }, `as of ${clock(view.generatedAt)}`),
  );
  if (!view.waves.length) return [head, h('p', { class: 'waves-note' }, view.note ?? 'No waves planned.')];
  return [head, chart(view, width), legend(view.totals)];
};

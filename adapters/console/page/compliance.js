// Compliance per group as an inline SVG bar chart: where people would rather look than read.
import { h, svg } from './dom.js';

const COLORS = { compliant: '#2eb67d', 'at-risk': '#ecb22e', overdue: '#e01e5a', unknown: '#9aa0a6' };
const LABELS = { compliant: 'compliant', 'at-risk': 'at risk', overdue: 'overdue', unknown: 'unknown' };
const ORDER = ['compliant', 'at-risk', 'overdue', 'unknown'];

/**
 * Two layouts in SVG units close to CSS pixels, so text keeps its size: wide puts the name left
 * and the figure right of the bar; narrow (a phone) puts both on a line above a full-width bar.
 */
const LAYOUTS = {
  wide: { width: 640, row: 34, barX: 130, barW: 300, barDy: 0, labelX: 120, labelAnchor: 'end', valueX: 438, textDy: 16 },
  narrow: { width: 340, row: 52, barX: 0, barW: 340, barDy: 22, labelX: 0, labelAnchor: 'start', valueX: 340, textDy: 14 },
};

/** One bar per group, split by how many of its hosts are in each status. */
const segments = (g, y, { barX, barW }) => {
  let x = barX;
  return ORDER.flatMap((status) => {
    const count = g.byStatus?.[status] ?? 0;
    if (!count || !g.hosts) return [];
    const width = (barW * count) / g.hosts;
    const rect = svg('rect', { x, y, width, height: 22, fill: COLORS[status], class: `bar bar-${status}` }, svg('title', {}, `${count} ${LABELS[status]}`));
    x += width;
    return [rect];
  });
};

const chart = (groups, narrow) => {
  const L = narrow ? LAYOUTS.narrow : LAYOUTS.wide;
  return svg(
    'svg',
    { class: 'chart', viewBox: `0 0 ${L.width} ${groups.length * L.row + 8}`, role: 'img', 'aria-label': 'Compliance per group' },
    groups.map((g, i) => {
      const y = i * L.row + 6;
      const hosts = `${g.hosts} host${g.hosts === 1 ? '' : 's'}`;
      const note = g.compliantPct === null ? 'no hosts' : `${g.compliantPct}% · ${hosts}`;
      return svg(
        'g',
        {},
        svg('title', {}, `${g.group}: ${LABELS[g.status] ?? g.status}, ${note}`),
        svg('text', { x: L.labelX, y: y + L.textDy, 'text-anchor': L.labelAnchor, class: 'chart-label' }, g.group),
        svg('rect', { x: L.barX, y: y + L.barDy, width: L.barW, height: 22, fill: '#eef0f3' }),
        segments(g, y + L.barDy, L),
        svg(
          'text',
          { x: L.valueX, y: y + L.textDy, 'text-anchor': narrow ? 'end' : 'start', class: 'chart-value' },
          g.compliantPct === null ? note : `${g.compliantPct}% within SLA · ${hosts}`,
        ),
      );
    }),
  );
};

export const renderCompliance = (container, report) => {
  container.replaceChildren(
    h(
      'div',
      { class: 'compliance-head' },
      h('h2', {}, `Compliance: ${report.policy}`),
      h('p', {}, `${report.total.compliantPct ?? 0}% of ${report.total.hosts} hosts within SLA · generated ${new Date(report.generatedAt).toLocaleTimeString()}`),
    ),
    report.groups.length ? chart(report.groups, container.clientWidth < 560) : h('p', { class: 'empty' }, 'No groups in the inventory yet.'),
    h(
      'ul',
      { class: 'legend' },
      Object.entries(LABELS).map(([status, label]) => h('li', {}, h('span', { class: 'swatch', style: { background: COLORS[status] } }), label)),
    ),
    h(
      'p',
      { class: 'hint' },
      'Each bar splits a group’s hosts by status; the percentage is hosts within SLA (compliant or at risk). Ask ',
      h('code', {}, 'compliance pci'),
      ' in chat for the details.',
    ),
  );
};

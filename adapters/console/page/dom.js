/* global Node, crypto, document -- browser globals: this file runs in the page, not in Node */
// DOM helpers. Every value from the server goes in as a text node or an attribute value, never as
// markup: a card title like `<img src=x onerror=…>` must show as those characters.

/** h('div', { class: 'x', onclick, style: { '--hue': 120 } }, 'text', child) */
export const h = (tag, props = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    // Through CSSOM: the page's CSP forbids inline style attributes.
    else if (key === 'style') for (const [name, v] of Object.entries(value)) el.style.setProperty(name, String(v));
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
};

const append = (el, children) => {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
};

const SVG = 'http://www.w3.org/2000/svg';

/** The same for inline SVG (the compliance chart). */
export const svg = (tag, attrs = {}, ...children) => {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) if (value !== undefined && value !== null) el.setAttribute(key, String(value));
  append(el, children);
  return el;
};

/** patchbot's code marks (src/shared/host-text.ts): host text's backticks come escaped (\`), are no mark, and show as they came. */
const CODE_MARK = /(?<!\\)`((?:\\`|[^`\n])+?)(?<!\\)`/g;
/** Text as written: for plain text (a card's title) as for the marks richText takes out. */
export const unescapeHostText = (text) => String(text ?? '').replace(/\\`/g, '`');

/**
 * Light markdown as Slack writes it: `code`, *bold* (and **bold**), _italic_, line breaks.
 * Built from text nodes, so nothing in the text is ever parsed as HTML.
 */
export const richText = (text) => {
  const fragment = document.createDocumentFragment();
  String(text ?? '')
    .split('\n')
    .forEach((line, i) => {
      if (i > 0) fragment.append(document.createElement('br'));
      let last = 0;
      for (const mark of line.matchAll(CODE_MARK)) {
        emphasis(fragment, unescapeHostText(line.slice(last, mark.index)));
        fragment.append(h('code', {}, unescapeHostText(mark[1])));
        last = mark.index + mark[0].length;
      }
      emphasis(fragment, unescapeHostText(line.slice(last)));
    });
  return fragment;
};

const EMPHASIS = /\*\*([^*]+)\*\*|\*([^*\s](?:[^*]*[^*\s])?)\*|(?<![\w])_([^_\s](?:[^_]*[^_\s])?)_(?![\w])/g;

const emphasis = (parent, text) => {
  let last = 0;
  for (const match of text.matchAll(EMPHASIS)) {
    parent.append(text.slice(last, match.index));
    if (match[3] !== undefined) parent.append(h('em', {}, match[3]));
    else parent.append(h('strong', {}, match[1] ?? match[2]));
    last = match.index + match[0].length;
  }
  parent.append(text.slice(last));
};

/** `14:02`, or `Mar 3, 14:02` when not today. */
export const clock = (iso) => {
  const at = new Date(iso);
  const time = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return at.toDateString() === new Date().toDateString() ? time : `${at.toLocaleDateString([], { month: 'short', day: 'numeric' })}, ${time}`;
};

/** randomUUID needs a secure context; a token-protected console on plain http is not one. */
export const randomId = () => {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
};

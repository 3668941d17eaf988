/**
 * Teams renders Adaptive Card TextBlocks and facts as markdown (bold, italic, lists, links; some
 * clients headings too), and card text carries what hosts, scans and people wrote: a KB title
 * `[Sign in to approve](https://evil.example/sso)` would be a link whose address nobody sees. So
 * every such value is escaped to show literally; the card's own structure (weights, sizes, the
 * `- ` of our lists, FactSets) stays what formats it.
 *
 * CommonMark backslash escapes, which Teams' renderers honour. `(` after `]` is escaped as well,
 * so a renderer that ignored the escapes would still find no `](` to make a link of. Patchbot's
 * own `code` marks show as the backticks they are: Adaptive Cards have no inline code.
 */
const INLINE = /[\\`*_~[\]<>]/g;
/** An entity (`&#91;`, `&lt;`) would turn into the character it names. */
const ENTITY = /&(?=#?[A-Za-z0-9]+;)/g;
/** Block markers at a line's start: heading, quote, bullet, setext underline, ordered list. */
const LINE_START = /^([ \t]*)([#>+=-])/gm;
const ORDERED = /^([ \t]*\d{1,9})([.)])/gm;

export const escapeCardMarkdown = (text: string): string =>
  text
    .replace(INLINE, '\\$&')
    .replace(ENTITY, '\\&')
    .replace(/\\\]\(/g, '\\]\\(')
    .replace(LINE_START, '$1\\$2')
    .replace(ORDERED, '$1\\$2');

import { CODE_MARK, unescapeHostText } from '../../src/shared/host-text.ts';

/**
 * Teams renders Adaptive Card TextBlocks and facts as markdown (bold, italic, lists, links; some
 * clients headings too), and card text carries what hosts, scans and people wrote: a KB title
 * `[Sign in to approve](https://evil.example/sso)` would be a link whose address nobody sees. So
 * every such value is escaped to show literally; the card's own structure (weights, sizes, the
 * `- ` of our lists, FactSets) stays what formats it.
 *
 * CommonMark backslash escapes, which Teams' renderers honour. `(` after `]` is escaped as well,
 * so a renderer that ignored the escapes would still find no `](` to make a link of.
 *
 * Adaptive Cards have no inline code, so the backticks patchbot puts around commands and ids
 * (`` `@patchbot pending page 2` ``) would show as backticks around every hint. A pair of them on
 * one line is dropped (cardMarkdown) and what it held is escaped like any text: it shows plainly, and
 * can never become formatting. Backticks of text from elsewhere (a patch title) come escaped
 * (src/shared/host-text.ts): they are no code mark, and show as written, as a lone backtick does.
 *
 * Teams also evaluates the DATE and TIME functions of Adaptive Cards in TextBlocks and facts
 * before it renders the markdown: `{{DATE(2017-02-14T06:08:39Z, SHORT)}}` in a patch title would
 * show as a date of the reader's locale, not as the text the host sent. A function is only
 * recognised with its braces side by side, so the second of two braces is escaped (`{\{`): no
 * renderer finds `{{`, and the markdown shows `{{` again.
 */
const INLINE = /[\\`*_~[\]<>]/g;
/** An entity (`&#91;`, `&lt;`) would turn into the character it names. */
const ENTITY = /&(?=#?[A-Za-z0-9]+;)/g;
/** Block markers at a line's start: heading, quote, bullet, setext underline, ordered list. */
const LINE_START = /^([ \t]*)([#>+=-])/gm;
const ORDERED = /^([ \t]*\d{1,9})([.)])/gm;
/** A brace right after a brace: what would open a template function. */
const TEMPLATE_BRACE = /(?<=\{)\{/g;

/** Card text without patchbot's code marks, host text's backticks as written: what a person should read in Teams. */
export const withoutCodeMarks = (text: string): string => unescapeHostText(text.replace(CODE_MARK, '$1'));

/** Card text as a TextBlock's or fact's markdown: code marks dropped, then everything escaped. */
export const cardMarkdown = (text: string): string => escapeCardMarkdown(withoutCodeMarks(text));

export const escapeCardMarkdown = (text: string): string =>
  text
    .replace(INLINE, '\\$&')
    .replace(ENTITY, '\\&')
    .replace(/\\\]\(/g, '\\]\\(')
    .replace(LINE_START, '$1\\$2')
    .replace(ORDERED, '$1\\$2')
    // Last: the backslashes it adds are not host text to be escaped again.
    .replace(TEMPLATE_BRACE, '\\{');
